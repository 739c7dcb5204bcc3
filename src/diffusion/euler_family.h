// Sigma/timestep construction shared by Euler, Euler ancestral and Heun (private).
#pragma once

#include <vector>

#include "scheduler_internal.h"

namespace schedkit::diffusion::internal {

struct EulerSchedule {
  std::vector<double> timesteps;  // float32 values
  std::vector<float> sigmas;      // with the final sigma appended
};

// diffusers EulerDiscreteScheduler.set_timesteps (Heun and Euler ancestral use subsets of its options:
// keys missing from the config take their defaults).
EulerSchedule BuildEulerSchedule(const SchedulerConfig& c, const SigmaTableInfo& table,
                                 std::span<const float> alphas_cumprod, const TimestepRequest& r,
                                 const std::string& who);
// Euler-family init_noise_sigma: max sigma for linspace/trailing spacing, sqrt(max^2 + 1) for leading.
double EulerInitNoiseSigma(const std::vector<float>& sigmas, const std::string& spacing);

}  // namespace schedkit::diffusion::internal
