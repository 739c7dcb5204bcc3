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

// converted = px * sample + pm * model_output: the model output as a data (x0) or noise (epsilon) prediction
// at the current point `cur`; `sigma` is the scheduler's sigma there (flow_prediction). nullopt: the
// prediction type has no conversion in that direction (the caller fails with its own message).
struct OutputConversion {
  double px = 0, pm = 1;
};
std::optional<OutputConversion> ToDataPrediction(const std::string& prediction_type, AlphaSigma cur,
                                                 double sigma);
std::optional<OutputConversion> ToNoisePrediction(const std::string& prediction_type, AlphaSigma cur);

// diffusers' index_for_timestep of the solver family: the second match when the timestep repeats, the last
// index when it is absent.
int SolverIndexForTimestep(const std::vector<double>& timesteps, double t);

// Number of steps etc. guards shared by the solver set_timesteps.
int CheckSolverSteps(const TimestepRequest& r, int num_train_timesteps, const std::string& who);

}  // namespace schedkit::diffusion::internal
