// Nelder-Mead simplex minimisation (Nelder & Mead 1965, with the standard reflection 1, expansion 2,
// contraction 1/2 and shrink 1/2 coefficients). Deterministic; for small, noisy, derivative-free fits.
#pragma once

#include <functional>
#include <vector>

namespace schedkit::sim {

struct NelderMeadOptions {
  double initial_step = 0.3;  // simplex edge along each coordinate
  int max_evaluations = 2000;
  double tolerance = 1e-6;  // stop when the simplex's objective spread falls below this
  int restarts = 2;         // re-start from the best point with a fresh simplex (escapes collapse)
};

struct NelderMeadResult {
  std::vector<double> x;
  double value = 0;
  int evaluations = 0;
};

NelderMeadResult NelderMead(const std::function<double(const std::vector<double>&)>& f,
                            std::vector<double> start, const NelderMeadOptions& options = {});

}  // namespace schedkit::sim
