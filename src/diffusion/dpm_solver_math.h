// DPM-Solver(++) update coefficients (Lu et al. 2022), as linear combinations of the sample and the
// converted model outputs hist[-1], hist[-2], hist[-3] (private).
#pragma once

#include <string>

#include "scheduler_internal.h"
#include "vp_solver_common.h"

namespace schedkit::diffusion::internal {

enum class DpmAlgorithm { kDpmSolver, kDpmSolverPP, kSdeDpmSolver, kSdeDpmSolverPP };
DpmAlgorithm ParseDpmAlgorithm(const std::string& name);
inline bool IsSde(DpmAlgorithm a) {
  return a == DpmAlgorithm::kSdeDpmSolver || a == DpmAlgorithm::kSdeDpmSolverPP;
}
inline bool PredictsData(DpmAlgorithm a) {
  return a == DpmAlgorithm::kDpmSolverPP || a == DpmAlgorithm::kSdeDpmSolverPP;
}

// t: target, s0: current, s1/s2: earlier points. `heun` selects solver_type=heun over midpoint.
LinearUpdate DpmFirstOrder(DpmAlgorithm alg, AlphaSigma t, AlphaSigma s0);
LinearUpdate DpmMultistepSecond(DpmAlgorithm alg, bool heun, AlphaSigma t, AlphaSigma s0, AlphaSigma s1);
LinearUpdate DpmMultistepThird(DpmAlgorithm alg, AlphaSigma t, AlphaSigma s0, AlphaSigma s1, AlphaSigma s2);
// Singlestep: the base sample sits at s1 (order 2) or s2 (order 3), the block start.
LinearUpdate DpmSinglestepSecond(DpmAlgorithm alg, bool heun, AlphaSigma t, AlphaSigma s0, AlphaSigma s1);
LinearUpdate DpmSinglestepThird(DpmAlgorithm alg, bool heun, AlphaSigma t, AlphaSigma s0, AlphaSigma s1,
                                AlphaSigma s2);

}  // namespace schedkit::diffusion::internal
