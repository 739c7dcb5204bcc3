#include "synthetic_random.h"

#include <cmath>
#include <numbers>

namespace schedkit::sim::detail {

uint64_t MixSeed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + (stream + 1) * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

double Random::Uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

double Random::UniformPositive() { return static_cast<double>((engine_() >> 11) + 1) * 0x1.0p-53; }

uint64_t Random::Below(uint64_t n) {
  __uint128_t product = static_cast<__uint128_t>(engine_()) * n;
  uint64_t low = static_cast<uint64_t>(product);
  if (low < n) {
    const uint64_t threshold = (0 - n) % n;  // 2^64 mod n: the biased low range to reject
    while (low < threshold) {
      product = static_cast<__uint128_t>(engine_()) * n;
      low = static_cast<uint64_t>(product);
    }
  }
  return static_cast<uint64_t>(product >> 64);
}

double Random::Normal() {
  const double radius = std::sqrt(-2.0 * std::log(UniformPositive()));
  return radius * std::cos(2.0 * std::numbers::pi * Uniform());
}

double Random::Exponential() { return -std::log(UniformPositive()); }

double Random::Gamma(double shape) {
  if (shape < 1.0) {
    // If G ~ Gamma(shape + 1) and U ~ U(0, 1], G * U^(1/shape) ~ Gamma(shape).
    const double boosted = Gamma(shape + 1.0);
    return boosted * std::pow(UniformPositive(), 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    const double x = Normal();
    double v = 1.0 + c * x;
    if (v <= 0.0) continue;
    v = v * v * v;
    const double u = UniformPositive();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v;
  }
}

namespace {

// log1p(t) / t and expm1(t) / t, continuous at t = 0.
double Log1pOverT(double t) { return std::abs(t) > 1e-8 ? std::log1p(t) / t : 1.0 - t / 2.0; }
double Expm1OverT(double t) { return std::abs(t) > 1e-8 ? std::expm1(t) / t : 1.0 + t / 2.0; }

}  // namespace

ZipfSampler::ZipfSampler(double theta, int64_t n) : theta_(theta), n_(n) {
  h_x1_ = H(1.5) - 1.0;
  h_n_ = H(static_cast<double>(n_) + 0.5);
  s_ = 2.0 - HInverse(H(2.5) - std::exp(-theta_ * std::log(2.0)));
}

// H(x) = (x^(1-theta) - 1) / (1 - theta), or log(x) when theta = 1.
double ZipfSampler::H(double x) const {
  const double log_x = std::log(x);
  return Expm1OverT((1.0 - theta_) * log_x) * log_x;
}

double ZipfSampler::HInverse(double x) const {
  double t = x * (1.0 - theta_);
  if (t < -1.0) t = -1.0;  // rounding guard: H's range ends at -1 / (1 - theta) for theta > 1
  return std::exp(Log1pOverT(t) * x);
}

int64_t ZipfSampler::Sample(Random& random) const {
  while (true) {
    const double u = h_n_ + random.Uniform() * (h_x1_ - h_n_);
    const double x = HInverse(u);
    int64_t k = static_cast<int64_t>(x + 0.5);
    if (k < 1) k = 1;
    if (k > n_) k = n_;
    const double kd = static_cast<double>(k);
    // Accept directly inside the squeeze, else compare u with the integral bound of bucket k.
    if (kd - x <= s_ || u >= H(kd + 0.5) - std::exp(-theta_ * std::log(kd))) return k;
  }
}

}  // namespace schedkit::sim::detail
