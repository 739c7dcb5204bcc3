// Plain tensor views, the model callback and the injected random generator of the diffusion module.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace schedkit::diffusion {

// A read-only contiguous float buffer with its shape (row-major; shape[0] is the batch axis).
struct ConstTensor {
  std::span<const float> data;
  std::span<const int64_t> shape;
};

// A writable contiguous float buffer with its shape.
struct MutTensor {
  std::span<float> data;
  std::span<const int64_t> shape;
  operator ConstTensor() const { return {data, shape}; }  // NOLINT: views convert freely
};

// An owning tensor, for callers that do not bring their own buffers.
struct Tensor {
  std::vector<int64_t> shape;
  std::vector<float> data;

  Tensor() = default;
  explicit Tensor(std::vector<int64_t> s);
  Tensor(std::vector<int64_t> s, std::vector<float> d);
  ConstTensor view() const { return {data, shape}; }
  MutTensor mut() { return {data, shape}; }
};

// Number of elements a shape describes; throws schedkit::Error on a negative dimension.
int64_t NumElements(std::span<const int64_t> shape);

// The network: reads `x` at timestep `t` and writes its prediction (same shape) into `out`.
using ModelFn = std::function<void(ConstTensor x, double t, MutTensor out)>;

// Source of every random draw a scheduler makes (standard normal, float32), so that a runtime can
// plug in its own RNG and tests can replay recorded noise.
class NoiseSource {
 public:
  virtual ~NoiseSource() = default;
  // Fills `out` with independent N(0, 1) draws; `shape` is the shape of the tensor being drawn.
  virtual void Normal(std::span<float> out, std::span<const int64_t> shape) = 0;
};

// Deterministic default generator: splitmix64-seeded xoshiro256** with Box-Muller (portable, unlike
// std::normal_distribution, so the same seed gives the same numbers everywhere).
class NormalNoise final : public NoiseSource {
 public:
  explicit NormalNoise(uint64_t seed = 0);
  void Normal(std::span<float> out, std::span<const int64_t> shape) override;
  double NextNormal();   // one double-precision N(0, 1) draw
  double NextUniform();  // uniform in [0, 1)

 private:
  uint64_t NextU64();
  uint64_t s_[4];
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace schedkit::diffusion
