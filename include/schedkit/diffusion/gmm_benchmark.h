// NN-free sampler quality benchmark (diffusion-sampling.md §3): a 2-D Gaussian mixture whose denoiser is
// exact, so the sampler is the only source of error.
#pragma once

#include <string>
#include <vector>

#include "schedkit/diffusion/scheduler.h"

namespace schedkit::diffusion {

struct GmmSampler {
  std::string label;
  std::string scheduler;               // scheduler id
  std::vector<std::string> overrides;  // config on top of the SD betas (scaled_linear 0.00085 -> 0.012)
  bool heun = false;                   // NFE = 2 steps - 1
  bool stochastic = false;
};
// The benchmark's sampler list (the anchor table's rows, in order).
std::vector<GmmSampler> GmmSamplers();
std::vector<int> GmmNfeList();

struct GmmResult {
  double ode_rmse = 0;  // RMS |x - x_ref| (NaN for stochastic samplers)
  double sw2 = 0;       // sliced W2 against true samples
  bool reachable = true;
};

class GmmBenchmark {
 public:
  // `num_samples` starting states and `num_true` true samples, drawn from NormalNoise(seed); the reference
  // ODE uses `ode_steps` RK4 steps in log sigma.
  explicit GmmBenchmark(int num_samples = 2000, int num_true = 20000, uint64_t seed = 0,
                        int ode_steps = 4000);

  // Exact VE denoiser D(y, sigma).
  static void Denoise(const double* y, double sigma, double* out);
  // The VP epsilon model at (possibly fractional) timestep t, SD scaled_linear table.
  void EpsModel(ConstTensor x, double t, MutTensor out) const;

  // Runs a sampler with `steps` steps (or custom timesteps) and returns the final samples ([n, 2]).
  std::vector<float> Sample(const GmmSampler& s, const TimestepRequest& request,
                            uint64_t noise_seed = 1) const;
  GmmResult Evaluate(const GmmSampler& s, int nfe) const;
  // Errors of final samples against the reference for the sampler's family.
  double OdeRmse(const std::vector<float>& x, bool euler_family) const;
  double SlicedW2(const std::vector<float>& x) const;
  // Reference endpoints from a subset of the starting states (first `n`), for optimisers.
  const std::vector<double>& Reference(bool euler_family) const { return euler_family ? ref_ve_ : ref_vp_; }
  const std::vector<double>& StartNormals() const { return z_; }
  int num_samples() const { return n_; }
  const std::vector<float>& alphas_cumprod() const { return ac_; }

 private:
  int n_;
  std::vector<double> z_;       // [n, 2] standard normals
  std::vector<double> ref_vp_;  // ODE endpoints from z*sqrt(1+sigma_max^2)
  std::vector<double> ref_ve_;  // ODE endpoints from z*sigma_max
  std::vector<float> ac_;
  std::vector<std::vector<double>> true_proj_;  // per direction: sorted quantiles of the true samples
  std::vector<double> dirs_;                    // [128, 2]
};

// Probability-flow ODE dy/dlog(sigma) = y - D(y, sigma) integrated with classical RK4 in log sigma
// (`steps` steps) from sigma_hi to sigma_lo; returns D(y(sigma_lo), sigma_lo).
void GmmOdeEndpoint(double y0x, double y0y, double sigma_hi, double sigma_lo, int steps, double* out);

}  // namespace schedkit::diffusion
