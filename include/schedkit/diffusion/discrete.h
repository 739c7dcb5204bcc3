// Discrete diffusion: flow-matching mixture-path schedulers (kappa) and masked-diffusion first hitting times.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "schedkit/diffusion/tensor.h"

namespace schedkit::diffusion {

// kappa(t) and d kappa / dt for the mixture path p_t = kappa_t delta_{x1} + (1 - kappa_t) delta_{x0}.
// Schedules: condot (t), polynomial (t^n, n = `exponent`), cosine (sin(pi t / 2)).
struct KappaValue {
  double kappa;
  double d_kappa;
};
KappaValue Kappa(const std::string& schedule, double t, double exponent = 2.0);

// Euler jump probability of one discrete flow-matching step from t to t + h: h * kappa'(t) / (1 - kappa(t)),
// clipped to [0, 1] (1 at kappa = 1).
double JumpProbability(const std::string& schedule, double t, double h, double exponent = 2.0);

// Masked diffusion with alpha(t) = 1 - t: starting at t with n masked tokens, the next unmask time solving
// 1 - alpha(tau) = (1 - alpha(t)) * u^{1/n} is tau = t * u^{1/n}.
double NextUnmaskTime(double t, int masked, double u);
// All unmask times of a sequence of `length` tokens masked at t = 1, from the given uniforms
// (uniforms.size() == length), or drawn from `rng` when uniforms is empty.
std::vector<double> FirstHittingTimes(int length, std::span<const double> uniforms,
                                      NormalNoise* rng = nullptr);

}  // namespace schedkit::diffusion
