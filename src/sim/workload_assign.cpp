#include "schedkit/sim/workload_assign.h"

#include <fmt/core.h>

#include <cmath>
#include <cstdlib>
#include <random>
#include <sstream>

#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

std::vector<double> Numbers(const std::string& text, const std::string& flag, const std::string& spec,
                            char sep) {
  std::vector<double> v;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, sep)) {
    char* end = nullptr;
    const double x = std::strtod(item.c_str(), &end);
    if (item.empty() || *end != '\0' || !std::isfinite(x)) {
      throw Error(fmt::format("{} {}: '{}' is not a number", flag, spec, item));
    }
    v.push_back(x);
  }
  return v;
}

}  // namespace

ClientAssignment ParseClientAssignment(const std::string& spec, const std::string& flag) {
  ClientAssignment a;
  const auto colon = spec.find(':');
  const std::string kind = spec.substr(0, colon);
  if (kind == "none" && colon == std::string::npos) return a;
  const std::vector<double> p =
      colon == std::string::npos ? std::vector<double>{} : Numbers(spec.substr(colon + 1), flag, spec, ',');
  auto need = [&](size_t n, const char* form) {
    if (p.size() != n) throw Error(fmt::format("{} {}: expected {}", flag, spec, form));
  };
  if (kind == "uniform") {
    need(1, "uniform:N");
    a.kind = ClientAssignment::Kind::kUniform;
  } else if (kind == "heavy") {
    need(2, "heavy:N,K (N clients, client 0 at K x the others' rate)");
    a.kind = ClientAssignment::Kind::kHeavy;
    a.param = p[1];
    if (!(a.param > 0)) throw Error(fmt::format("{} {}: K must be > 0", flag, spec));
  } else if (kind == "zipf") {
    need(2, "zipf:N,S");
    a.kind = ClientAssignment::Kind::kZipf;
    a.param = p[1];
    if (!(a.param >= 0)) throw Error(fmt::format("{} {}: S must be >= 0", flag, spec));
  } else {
    throw Error(fmt::format("{} {}: unknown rule '{}' (valid: none, uniform:N, heavy:N,K, zipf:N,S)", flag,
                            spec, kind));
  }
  if (!(p[0] >= 1) || p[0] != std::floor(p[0]) || p[0] > 1e6) {
    throw Error(fmt::format("{} {}: the number of clients must be a whole number >= 1", flag, spec));
  }
  a.num_clients = static_cast<int32_t>(p[0]);
  return a;
}

std::vector<SloClass> ParseSloClasses(const std::string& spec, const std::string& flag) {
  std::vector<SloClass> classes;
  double total = 0;
  std::stringstream ss(spec);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const std::vector<double> v = Numbers(item, flag, spec, ':');
    if (v.size() != 3 || !(v[0] > 0) || !(v[1] > 0) || !(v[2] > 0)) {
      throw Error(fmt::format("{} {}: each class is SHARE:TTFT:TBT with positive numbers, got '{}'", flag,
                              spec, item));
    }
    classes.push_back(SloClass{v[0], v[1], v[2]});
    total += v[0];
  }
  if (classes.empty() || std::abs(total - 1.0) > 1e-6) {
    throw Error(fmt::format("{} {}: class shares must sum to 1 (got {})", flag, spec, total));
  }
  return classes;
}

void AssignClients(std::vector<serve::RequestSpec>& requests, const ClientAssignment& rule) {
  if (rule.kind == ClientAssignment::Kind::kNone) return;
  std::vector<double> weight(static_cast<size_t>(rule.num_clients), 1.0);
  if (rule.kind == ClientAssignment::Kind::kHeavy) weight[0] = rule.param;
  if (rule.kind == ClientAssignment::Kind::kZipf) {
    for (size_t c = 0; c < weight.size(); ++c) weight[c] = std::pow(static_cast<double>(c + 1), -rule.param);
  }
  std::mt19937_64 rng(rule.seed ^ 0xC11E47ULL);
  std::discrete_distribution<int32_t> pick(weight.begin(), weight.end());
  for (auto& r : requests) r.client = pick(rng);
}

void AssignSloClasses(std::vector<serve::RequestSpec>& requests, const std::vector<SloClass>& classes,
                      uint64_t seed) {
  if (classes.empty()) return;
  std::vector<double> share;
  for (const auto& c : classes) share.push_back(c.share);
  std::mt19937_64 rng(seed ^ 0x51C0ULL);
  std::discrete_distribution<int32_t> pick(share.begin(), share.end());
  for (auto& r : requests) {
    const int32_t k = pick(rng);
    r.ttft_slo = classes[static_cast<size_t>(k)].ttft;
    r.tbt_slo = classes[static_cast<size_t>(k)].tbt;
    r.priority = k;
  }
}

}  // namespace schedkit::sim
