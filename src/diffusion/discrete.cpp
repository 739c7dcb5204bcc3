// Discrete flow-matching kappa schedules and masked-diffusion first hitting times.
#include "schedkit/diffusion/discrete.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "schedkit/util/error.h"

namespace schedkit::diffusion {

KappaValue Kappa(const std::string& s, double t, double exponent) {
  if (t < 0 || t > 1) throw Error(fmt::format("kappa: time {} is outside [0, 1]", t));
  if (s == "condot") return {t, 1.0};
  if (s == "polynomial") return {std::pow(t, exponent), exponent * std::pow(t, exponent - 1)};
  if (s == "cosine") {
    const double pi = std::numbers::pi;
    return {std::sin(pi * t / 2), pi / 2 * std::cos(pi * t / 2)};
  }
  throw Error(fmt::format("unknown kappa schedule '{}'; valid schedules: condot, polynomial, cosine", s));
}

double JumpProbability(const std::string& s, double t, double h, double exponent) {
  const KappaValue k = Kappa(s, t, exponent);
  if (k.kappa >= 1) return 1.0;
  return std::clamp(h * k.d_kappa / (1 - k.kappa), 0.0, 1.0);
}

double NextUnmaskTime(double t, int masked, double u) {
  if (masked < 1) throw Error("first hitting time: no masked tokens left");
  if (u < 0 || u > 1) throw Error(fmt::format("first hitting time: uniform {} is outside [0, 1]", u));
  return t * std::pow(u, 1.0 / masked);
}

std::vector<double> FirstHittingTimes(int length, std::span<const double> uniforms, NormalNoise* rng) {
  if (!uniforms.empty() && static_cast<int>(uniforms.size()) != length) {
    throw Error(fmt::format("first hitting times: {} uniforms for {} tokens", uniforms.size(), length));
  }
  if (uniforms.empty() && rng == nullptr) throw Error("first hitting times: pass uniforms or a generator");
  std::vector<double> times;
  double t = 1.0;
  for (int k = 0; k < length; ++k) {
    const double u = uniforms.empty() ? rng->NextUniform() : uniforms[k];
    t = NextUnmaskTime(t, length - k, u);
    times.push_back(t);
  }
  return times;
}

}  // namespace schedkit::diffusion
