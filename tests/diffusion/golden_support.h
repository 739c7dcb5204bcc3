// Test support: locating the golden folder, the README's analytic models and the noise replay.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "schedkit/diffusion/config.h"
#include "schedkit/diffusion/tensor.h"

namespace schedkit::diffusion::testing {

using nlohmann::json;

// SCHEDKIT_GOLDEN_DIFFUSION if set; else ../shared/golden/diffusion (SCHEDKIT_SHARED_DIR) if present; else
// the bundled copy under data/diffusion/golden. Empty string: not found (the caller skips, or fails under
// CI=true).
inline std::string GoldenDir(std::string* why = nullptr) {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("SCHEDKIT_GOLDEN_DIFFUSION"); env && *env) return env;
  const std::string shared = std::string(SCHEDKIT_SHARED_DIR) + "/golden/diffusion";
  if (fs::exists(shared + "/ddim.json")) return shared;
  const char* ci = std::getenv("CI");
  if (ci && std::string(ci) == "true") {
    if (why) *why = "CI=true and the shared golden folder " + shared + " is absent";
    return "";
  }
  const std::string bundled = std::string(SCHEDKIT_SOURCE_DIR) + "/data/diffusion/golden";
  if (fs::exists(bundled + "/ddim.json")) return bundled;
  if (why) *why = "no golden folder: neither " + shared + " nor " + bundled + " exists";
  return "";
}

// Skips the test (or fails it under CI=true) when no golden folder is available.
#define SCHEDKIT_REQUIRE_GOLDEN(dir)                         \
  std::string dir;                                           \
  {                                                          \
    std::string why_;                                        \
    dir = ::schedkit::diffusion::testing::GoldenDir(&why_);  \
    if (dir.empty()) {                                       \
      const char* ci_ = std::getenv("CI");                   \
      if (ci_ && std::string(ci_) == "true") FAIL() << why_; \
      GTEST_SKIP() << why_;                                  \
    }                                                        \
  }

inline json LoadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  return json::parse(in);
}

inline std::vector<float> Flat(const json& a) {
  std::vector<float> out;
  if (a.is_array()) {
    for (const auto& e : a) {
      auto sub = Flat(e);
      out.insert(out.end(), sub.begin(), sub.end());
    }
  } else {
    out.push_back(a.get<float>());
  }
  return out;
}
inline std::vector<double> FlatD(const json& a) {
  std::vector<double> out;
  if (a.is_array()) {
    for (const auto& e : a) {
      auto sub = FlatD(e);
      out.insert(out.end(), sub.begin(), sub.end());
    }
  } else {
    out.push_back(a.get<double>());
  }
  return out;
}
inline std::vector<int64_t> ShapeOf(const json& a) {
  std::vector<int64_t> s;
  const json* p = &a;
  while (p->is_array()) {
    s.push_back(static_cast<int64_t>(p->size()));
    if (p->empty()) break;
    p = &(*p)[0];
  }
  return s;
}

// JSON config value -> ConfigValue ("-inf"/"inf" strings become numbers).
inline ConfigValue ToConfigValue(const json& v) {
  if (v.is_null()) return std::monostate{};
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s == "-inf") return -INFINITY;
    if (s == "inf") return INFINITY;
    return s;
  }
  if (v.is_array()) return FlatD(v);
  throw std::runtime_error("unsupported config value " + v.dump());
}

// vp_gaussian: abar(t) from the scheduler's alphas_cumprod with log-sigma interpolation (README).
inline double AbarAt(const std::vector<float>& ac, double t) {
  t = std::clamp(t, 0.0, static_cast<double>(ac.size() - 1));
  const auto k0 = static_cast<size_t>(std::floor(t));
  const double w = t - static_cast<double>(k0);
  if (w == 0) return ac[k0];
  auto L = [&](size_t k) {
    return 0.5 * (std::log1p(-static_cast<double>(ac[k])) - std::log(static_cast<double>(ac[k])));
  };
  const double l = (1 - w) * L(k0) + w * L(k0 + 1);
  if (l >= 350) return 0.0;
  return 1.0 / (1.0 + std::exp(2 * l));
}

inline void VpGaussian(const std::vector<double>& mu, const std::vector<double>& sd, const std::string& pred,
                       double a, const std::vector<float>& x, std::vector<float>& out) {
  out.resize(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const double denom = a * sd[i] * sd[i] + (1 - a);
    const double r = x[i] - std::sqrt(a) * mu[i];
    const double x0 = mu[i] + std::sqrt(a) * sd[i] * sd[i] / denom * r;
    const double eps = std::sqrt(1 - a) * r / denom;
    double o = eps;
    if (pred == "sample") o = x0;
    if (pred == "v_prediction") o = std::sqrt(a) * eps - std::sqrt(1 - a) * x0;
    out[i] = static_cast<float>(o);
  }
}

inline void FlowGaussian(const std::vector<double>& mu, const std::vector<double>& sd, double t, int N,
                         const std::vector<float>& x, std::vector<float>& out) {
  const double s = std::clamp(t / N, 0.0, 1.0);
  out.resize(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const double denom = (1 - s) * (1 - s) * sd[i] * sd[i] + s * s;
    const double r = x[i] - (1 - s) * mu[i];
    const double x0 = mu[i] + (1 - s) * sd[i] * sd[i] / denom * r;
    const double eps = s * r / denom;
    out[i] = static_cast<float>(eps - x0);
  }
}

// Hands out the recorded draws of the current step in order; fails the test on a missing or extra draw.
class ReplayNoise final : public NoiseSource {
 public:
  void SetStep(std::vector<std::vector<float>> draws) {
    draws_ = std::move(draws);
    next_ = 0;
  }
  size_t unused() const { return draws_.size() - next_; }
  void Normal(std::span<float> out, std::span<const int64_t>) override {
    if (next_ >= draws_.size()) {
      ADD_FAILURE() << "scheduler drew more noise than recorded";
      std::fill(out.begin(), out.end(), 0.0f);
      return;
    }
    const auto& d = draws_[next_++];
    if (d.size() != out.size())
      ADD_FAILURE() << "noise draw of " << out.size() << " elements, recorded " << d.size();
    std::copy(d.begin(), d.begin() + std::min(d.size(), out.size()), out.begin());
  }

 private:
  std::vector<std::vector<float>> draws_;
  size_t next_ = 0;
};

}  // namespace schedkit::diffusion::testing
