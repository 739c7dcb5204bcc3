// Portable random variates built from std::mt19937_64 words (whose sequence the C++ standard fixes), so that
// a seed gives the same numbers with any standard library. std:: distributions are not used: their algorithms
// differ between libstdc++, libc++ and MSVC. Results still go through libm's log/exp/cos, so they are
// bit-equal only with the same libm. Private to src/sim.
#pragma once

#include <cstdint>
#include <random>

namespace schedkit::sim::detail {

// SplitMix64 finaliser: derives independent engine seeds from one user seed.
uint64_t MixSeed(uint64_t seed, uint64_t stream);

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}

  // Uniform on [0, 1) with 53 random bits.
  double Uniform();
  // Uniform on (0, 1]: safe under log().
  double UniformPositive();
  // Integer uniform on [0, n) for n >= 1 (Lemire's unbiased multiply-and-reject).
  uint64_t Below(uint64_t n);
  // Standard normal (Box-Muller, one value per two uniforms; the second is discarded to keep no state).
  double Normal();
  // Exponential with mean 1.
  double Exponential();
  // Gamma with the given shape (> 0) and scale 1 (Marsaglia-Tsang; shape < 1 via the u^(1/shape) boost).
  double Gamma(double shape);

 private:
  std::mt19937_64 engine_;
};

// Zipf on {1..n}: P(k) proportional to k^-theta, theta > 0, by rejection-inversion (Hoermann and Derflinger
// 1996): O(1) memory and expected O(1) time per draw, for any n.
class ZipfSampler {
 public:
  ZipfSampler(double theta, int64_t n);
  int64_t Sample(Random& random) const;

 private:
  double H(double x) const;         // integral of x^-theta (up to a constant)
  double HInverse(double x) const;  // its inverse
  double theta_;
  int64_t n_;
  double h_x1_, h_n_, s_;
};

}  // namespace schedkit::sim::detail
