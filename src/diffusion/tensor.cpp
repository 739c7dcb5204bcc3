// Owning tensors and the default normal generator.
#include "schedkit/diffusion/tensor.h"

#include <cmath>
#include <numbers>
#include <string>
#include <utility>

#include "schedkit/util/error.h"

namespace schedkit::diffusion {

int64_t NumElements(std::span<const int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) throw Error("tensor shape has a negative dimension " + std::to_string(d));
    n *= d;
  }
  return n;
}

Tensor::Tensor(std::vector<int64_t> s) : shape(std::move(s)), data(static_cast<size_t>(NumElements(shape))) {}

Tensor::Tensor(std::vector<int64_t> s, std::vector<float> d) : shape(std::move(s)), data(std::move(d)) {
  if (static_cast<int64_t>(data.size()) != NumElements(shape)) {
    throw Error("tensor data has " + std::to_string(data.size()) + " elements but its shape holds " +
                std::to_string(NumElements(shape)));
  }
}

namespace {
uint64_t SplitMix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

NormalNoise::NormalNoise(uint64_t seed) {
  for (auto& s : s_) s = SplitMix64(seed);
}

uint64_t NormalNoise::NextU64() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

double NormalNoise::NextUniform() { return static_cast<double>(NextU64() >> 11) * 0x1.0p-53; }

double NormalNoise::NextNormal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u1 = NextUniform();
  while (u1 <= 0.0) u1 = NextUniform();
  const double u2 = NextUniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  spare_ = r * std::sin(2.0 * std::numbers::pi * u2);
  has_spare_ = true;
  return r * std::cos(2.0 * std::numbers::pi * u2);
}

void NormalNoise::Normal(std::span<float> out, std::span<const int64_t> /*shape*/) {
  for (float& v : out) v = static_cast<float>(NextNormal());
}

}  // namespace schedkit::diffusion
