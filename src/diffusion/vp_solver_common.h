// Pieces shared by the exponential-integrator schedulers (DPM-Solver multistep/singlestep, DEIS, UniPC).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scheduler_internal.h"

namespace schedkit::diffusion::internal {

// VP training tables of the multistep solvers.
struct VpTables {
  std::vector<float> sigmas;      // sqrt((1-ac)/ac), float32
  std::vector<float> log_sigmas;  // float32 log
  std::vector<float> lambdas;     // log(sqrt(ac)) - log(sqrt(1-ac)), float32
};
VpTables MakeVpTables(std::span<const float> ac);

// The training schedule of the solver family (zero-SNR patches alphas_cumprod[-1] to 2^-24 when `patch`).
void BuildSolverTrainSchedule(const SchedulerConfig& c, bool patch_zero_snr, std::vector<float>& betas,
                              std::vector<float>& ac);

// sigmas/timesteps of DPM-Solver multistep (also used by DEIS, UniPC and singlestep through options).
struct SolverSchedule {
  std::vector<double> timesteps;  // integers
  std::vector<float> sigmas;      // final sigma appended
};

// x' = cx*x + sum_k cm[k]*hist[-1-k] + cn*z
struct LinearUpdate {
  double cx = 0;
  double cm[4] = {0, 0, 0, 0};
  int num_hist = 0;
  double cn = 0;
};
// out may alias x. hist[k] is the k-th most recent converted model output.
void ApplyLinearUpdate(std::span<float> out, const float* x, const std::vector<const float*>& hist,
                       const float* noise, const LinearUpdate& u);

// Number of steps etc. guards shared by the solver set_timesteps.
int CheckSolverSteps(const TimestepRequest& r, int num_train_timesteps, const std::string& who);

}  // namespace schedkit::diffusion::internal
