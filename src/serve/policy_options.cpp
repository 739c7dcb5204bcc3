#include "schedkit/serve/policy_options.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <cmath>
#include <cstdlib>

#include "schedkit/util/error.h"

namespace schedkit::serve {

const std::string* OptionReader::Find(const std::string& key) {
  known_.insert(key);
  auto it = options_.find(key);
  return it == options_.end() ? nullptr : &it->second;
}

double OptionReader::Double(const std::string& key, double fallback) {
  const std::string* v = Find(key);
  if (v == nullptr) return fallback;
  char* end = nullptr;
  const double x = std::strtod(v->c_str(), &end);
  if (v->empty() || *end != '\0' || !std::isfinite(x)) {
    throw Error(fmt::format("policy {}: option {}={} is not a number", policy_, key, *v));
  }
  return x;
}

int64_t OptionReader::Int(const std::string& key, int64_t fallback) {
  const std::string* v = Find(key);
  if (v == nullptr) return fallback;
  char* end = nullptr;
  const long long x = std::strtoll(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0') {
    throw Error(fmt::format("policy {}: option {}={} is not an integer", policy_, key, *v));
  }
  return x;
}

bool OptionReader::Bool(const std::string& key, bool fallback) {
  const std::string* v = Find(key);
  if (v == nullptr) return fallback;
  if (*v == "true" || *v == "1") return true;
  if (*v == "false" || *v == "0") return false;
  throw Error(fmt::format("policy {}: option {}={} must be true or false", policy_, key, *v));
}

std::string OptionReader::String(const std::string& key, const std::string& fallback) {
  const std::string* v = Find(key);
  return v == nullptr ? fallback : *v;
}

void OptionReader::RejectUnknown() const {
  for (const auto& [key, value] : options_) {
    if (known_.count(key) == 0) {
      throw Error(
          fmt::format("policy {}: unknown option '{}' (valid: {})", policy_, key,
                      known_.empty() ? std::string("none") : fmt::format("{}", fmt::join(known_, ", "))));
    }
  }
}

}  // namespace schedkit::serve
