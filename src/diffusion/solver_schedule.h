// set_timesteps of the exponential-integrator schedulers (private).
#pragma once

#include <string>

#include "vp_solver_common.h"

namespace schedkit::diffusion::internal {

enum class SolverVariant { kDpmMultistep, kDpmSinglestep, kDeis, kUniPC };

// Builds integer timesteps and float32 sigmas (final sigma appended) following the variant's diffusers
// set_timesteps. `flow_shift` is the effective shift (exp(mu) under dynamic shifting for DPM/DEIS).
SolverSchedule BuildSolverSchedule(SolverVariant v, const SchedulerConfig& c, const VpTables& tab,
                                   std::span<const float> ac, const TimestepRequest& r, double flow_shift,
                                   const std::string& who);

}  // namespace schedkit::diffusion::internal
