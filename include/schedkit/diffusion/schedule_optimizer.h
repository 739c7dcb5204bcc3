// Schedule optimisation (beyond diffusers): search the integer timesteps of a sampler for a fixed step count
// to minimise the discretisation error against the exact probability-flow ODE endpoint.
//
// Objective (documented in docs/diffusion.md): mean squared distance between the sampler's output and the
// high-precision ODE solution D(y(1e-4), 1e-4) over a training set of starting states, i.e. the global
// trajectory error itself (OLSS / S3 style: fit the solver's schedule on trajectories of the target), rather
// than AYS's KL upper bound. The target enters only through its exact denoiser (analytic) or samples.
#pragma once

#include <string>
#include <vector>

#include "schedkit/diffusion/gmm_benchmark.h"

namespace schedkit::diffusion {

struct ScheduleSearchResult {
  std::vector<double> timesteps;  // optimised, strictly decreasing integers
  double initial_error = 0;       // RMS ODE error of the starting schedule on the training set
  double final_error = 0;         // same, optimised
  int evaluations = 0;
};

// Coordinate descent with step sizes 128, 64, ..., 1 on each timestep (kept strictly decreasing in
// [0, 999]), starting from the sampler's own schedule for `steps` steps. `train` supplies the starting states
// and reference endpoints. The sampler must accept custom timesteps (DPM-Solver multistep, DDPM, ...).
// `clip_distance` > 0 caps each state's error at that distance (a robust loss): the RMS at high accuracy is
// dominated by a few states near a basin boundary whose endpoint flips mode, which a schedule cannot fix in
// general and the search would otherwise overfit.
ScheduleSearchResult OptimizeTimesteps(const GmmBenchmark& train, const GmmSampler& sampler, int steps,
                                       int max_passes = 8, double clip_distance = 0.0);

}  // namespace schedkit::diffusion
