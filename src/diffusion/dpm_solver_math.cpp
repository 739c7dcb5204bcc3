// DPM-Solver(++) coefficients. Every update is x' = cx*x + a0*D0 + a1*D1 + a2*D2 + cn*z with D's finite
// differences of the model outputs; the D's are expanded here into weights on hist[-1..-3].
#include "dpm_solver_math.h"

#include <cmath>

#include "schedkit/util/error.h"
#include "schedkit/util/parse.h"

namespace schedkit::diffusion::internal {

DpmAlgorithm ParseDpmAlgorithm(const std::string& n) {
  static constexpr util::NamedValue<DpmAlgorithm> kAlgorithms[] = {
      {"dpmsolver", DpmAlgorithm::kDpmSolver},
      {"dpmsolver++", DpmAlgorithm::kDpmSolverPP},
      {"sde-dpmsolver", DpmAlgorithm::kSdeDpmSolver},
      {"sde-dpmsolver++", DpmAlgorithm::kSdeDpmSolverPP}};
  return util::ParseEnum<DpmAlgorithm>(n, "algorithm_type", kAlgorithms);
}

namespace {
// Weights of D0, D1, D2 on (m0, m1, m2) = (hist[-1], hist[-2], hist[-3]).
struct DWeights {
  double d0[3] = {0, 0, 0};
  double d1[3] = {0, 0, 0};
  double d2[3] = {0, 0, 0};
};

LinearUpdate Combine(double cx, double a0, double a1, double a2, const DWeights& w, int num_hist, double cn) {
  LinearUpdate u;
  u.cx = cx;
  u.num_hist = num_hist;
  for (int k = 0; k < 3; ++k) u.cm[k] = a0 * w.d0[k] + a1 * w.d1[k] + a2 * w.d2[k];
  u.cn = cn;
  return u;
}

// Shared scalar factors of one step of size h ending at t.
struct Factors {
  double h, cx_pp, cx_noise, cx_sde_pp, A, S, E, noise_pp, noise_eps;
};
Factors MakeFactors(AlphaSigma t, AlphaSigma s, double h) {
  Factors f;
  f.h = h;
  f.cx_pp = t.sigma / s.sigma;
  f.cx_noise = t.alpha / s.alpha;
  f.cx_sde_pp = t.sigma / s.sigma * std::exp(-h);
  f.A = t.alpha * (std::exp(-h) - 1.0);
  f.S = t.sigma * (std::exp(h) - 1.0);
  f.E = t.alpha * (1 - std::exp(-2.0 * h));
  f.noise_pp = t.sigma * std::sqrt(1.0 - std::exp(-2 * h));
  f.noise_eps = t.sigma * std::sqrt(std::exp(2 * h) - 1.0);
  return f;
}
}  // namespace

LinearUpdate DpmFirstOrder(DpmAlgorithm alg, AlphaSigma t, AlphaSigma s0) {
  const double h = t.lambda() - s0.lambda();
  const Factors f = MakeFactors(t, s0, h);
  DWeights w;
  w.d0[0] = 1;
  switch (alg) {
    case DpmAlgorithm::kDpmSolverPP:
      return Combine(f.cx_pp, -f.A, 0, 0, w, 1, 0);
    case DpmAlgorithm::kDpmSolver:
      return Combine(f.cx_noise, -f.S, 0, 0, w, 1, 0);
    case DpmAlgorithm::kSdeDpmSolverPP:
      return Combine(f.cx_sde_pp, f.E, 0, 0, w, 1, f.noise_pp);
    case DpmAlgorithm::kSdeDpmSolver:
      return Combine(f.cx_noise, -2.0 * f.S, 0, 0, w, 1, f.noise_eps);
  }
  return {};
}

LinearUpdate DpmMultistepSecond(DpmAlgorithm alg, bool heun, AlphaSigma t, AlphaSigma s0, AlphaSigma s1) {
  const double h = t.lambda() - s0.lambda(), h0 = s0.lambda() - s1.lambda();
  const double r0 = h0 / h;
  const Factors f = MakeFactors(t, s0, h);
  DWeights w;
  w.d0[0] = 1;
  w.d1[0] = 1.0 / r0, w.d1[1] = -1.0 / r0;
  switch (alg) {
    case DpmAlgorithm::kDpmSolverPP:
      return heun ? Combine(f.cx_pp, -f.A, t.alpha * ((std::exp(-h) - 1.0) / h + 1.0), 0, w, 2, 0)
                  : Combine(f.cx_pp, -f.A, -0.5 * f.A, 0, w, 2, 0);
    case DpmAlgorithm::kDpmSolver:
      return heun ? Combine(f.cx_noise, -f.S, -t.sigma * ((std::exp(h) - 1.0) / h - 1.0), 0, w, 2, 0)
                  : Combine(f.cx_noise, -f.S, -0.5 * f.S, 0, w, 2, 0);
    case DpmAlgorithm::kSdeDpmSolverPP:
      return heun ? Combine(f.cx_sde_pp, f.E, t.alpha * ((1.0 - std::exp(-2.0 * h)) / (-2.0 * h) + 1.0), 0, w,
                            2, f.noise_pp)
                  : Combine(f.cx_sde_pp, f.E, 0.5 * f.E, 0, w, 2, f.noise_pp);
    case DpmAlgorithm::kSdeDpmSolver:
      return heun ? Combine(f.cx_noise, -2.0 * f.S, -2.0 * t.sigma * ((std::exp(h) - 1.0) / h - 1.0), 0, w, 2,
                            f.noise_eps)
                  : Combine(f.cx_noise, -2.0 * f.S, -f.S, 0, w, 2, f.noise_eps);
  }
  return {};
}

LinearUpdate DpmMultistepThird(DpmAlgorithm alg, AlphaSigma t, AlphaSigma s0, AlphaSigma s1, AlphaSigma s2) {
  const double h = t.lambda() - s0.lambda(), h0 = s0.lambda() - s1.lambda(), h1 = s1.lambda() - s2.lambda();
  const double r0 = h0 / h, r1 = h1 / h;
  const Factors f = MakeFactors(t, s0, h);
  // D1_0 = (m0-m1)/r0, D1_1 = (m1-m2)/r1, D1 = D1_0 + r0/(r0+r1)(D1_0-D1_1), D2 = (D1_0-D1_1)/(r0+r1)
  const double d10[3] = {1 / r0, -1 / r0, 0};
  const double d11[3] = {0, 1 / r1, -1 / r1};
  DWeights w;
  w.d0[0] = 1;
  for (int k = 0; k < 3; ++k) {
    w.d1[k] = d10[k] + r0 / (r0 + r1) * (d10[k] - d11[k]);
    w.d2[k] = (d10[k] - d11[k]) / (r0 + r1);
  }
  const double em = std::exp(-h), ep = std::exp(h), e2 = std::exp(-2.0 * h);
  switch (alg) {
    case DpmAlgorithm::kDpmSolverPP:
      return Combine(f.cx_pp, -f.A, t.alpha * ((em - 1.0) / h + 1.0),
                     -t.alpha * ((em - 1.0 + h) / (h * h) - 0.5), w, 3, 0);
    case DpmAlgorithm::kDpmSolver:
      return Combine(f.cx_noise, -f.S, -t.sigma * ((ep - 1.0) / h - 1.0),
                     -t.sigma * ((ep - 1.0 - h) / (h * h) - 0.5), w, 3, 0);
    case DpmAlgorithm::kSdeDpmSolverPP:
      return Combine(f.cx_sde_pp, f.E, t.alpha * ((1.0 - e2) / (-2.0 * h) + 1.0),
                     t.alpha * ((1.0 - e2 - 2.0 * h) / ((2.0 * h) * (2.0 * h)) - 0.5), w, 3, f.noise_pp);
    case DpmAlgorithm::kSdeDpmSolver:
      throw Error(
          "DPMSolverMultistepScheduler: third-order sde-dpmsolver is not defined (diffusers has none)");
  }
  return {};
}

LinearUpdate DpmSinglestepSecond(DpmAlgorithm alg, bool heun, AlphaSigma t, AlphaSigma s0, AlphaSigma s1) {
  const double h = t.lambda() - s1.lambda(), h0 = s0.lambda() - s1.lambda();
  const double r0 = h0 / h;
  const Factors f = MakeFactors(t, s1, h);
  DWeights w;  // D0 = m1, D1 = (m0 - m1)/r0
  w.d0[1] = 1;
  w.d1[0] = 1.0 / r0, w.d1[1] = -1.0 / r0;
  switch (alg) {
    case DpmAlgorithm::kDpmSolverPP:
      return heun ? Combine(f.cx_pp, -f.A, t.alpha * ((std::exp(-h) - 1.0) / h + 1.0), 0, w, 2, 0)
                  : Combine(f.cx_pp, -f.A, -0.5 * f.A, 0, w, 2, 0);
    case DpmAlgorithm::kDpmSolver:
      return heun ? Combine(f.cx_noise, -f.S, -t.sigma * ((std::exp(h) - 1.0) / h - 1.0), 0, w, 2, 0)
                  : Combine(f.cx_noise, -f.S, -0.5 * f.S, 0, w, 2, 0);
    case DpmAlgorithm::kSdeDpmSolverPP:
      return heun ? Combine(f.cx_sde_pp, f.E, t.alpha * ((1.0 - std::exp(-2.0 * h)) / (-2.0 * h) + 1.0), 0, w,
                            2, f.noise_pp)
                  : Combine(f.cx_sde_pp, f.E, 0.5 * f.E, 0, w, 2, f.noise_pp);
    case DpmAlgorithm::kSdeDpmSolver:
      throw Error("DPMSolverSinglestepScheduler: sde-dpmsolver is not supported (diffusers has none)");
  }
  return {};
}

LinearUpdate DpmSinglestepThird(DpmAlgorithm alg, bool heun, AlphaSigma t, AlphaSigma s0, AlphaSigma s1,
                                AlphaSigma s2) {
  const double h = t.lambda() - s2.lambda(), h0 = s0.lambda() - s2.lambda(), h1 = s1.lambda() - s2.lambda();
  const double r0 = h0 / h, r1 = h1 / h;
  const Factors f = MakeFactors(t, s2, h);
  // D0 = m2, D1_0 = (m1-m2)/r1, D1_1 = (m0-m2)/r0, D1 = (r0 D1_0 - r1 D1_1)/(r0-r1), D2 =
  // 2(D1_1-D1_0)/(r0-r1)
  const double d10[3] = {0, 1 / r1, -1 / r1};
  const double d11[3] = {1 / r0, 0, -1 / r0};
  DWeights w;
  w.d0[2] = 1;
  DWeights w_mid;  // midpoint variants use D1_1 alone in the D1 slot
  w_mid.d0[2] = 1;
  for (int k = 0; k < 3; ++k) {
    w.d1[k] = (r0 * d10[k] - r1 * d11[k]) / (r0 - r1);
    w.d2[k] = 2.0 * (d11[k] - d10[k]) / (r0 - r1);
    w_mid.d1[k] = d11[k];
  }
  const double em = std::exp(-h), ep = std::exp(h), e2 = std::exp(-2.0 * h);
  switch (alg) {
    case DpmAlgorithm::kDpmSolverPP:
      return heun ? Combine(f.cx_pp, -f.A, t.alpha * ((em - 1.0) / h + 1.0),
                            -t.alpha * ((em - 1.0 + h) / (h * h) - 0.5), w, 3, 0)
                  : Combine(f.cx_pp, -f.A, t.alpha * ((em - 1.0) / h + 1.0), 0, w_mid, 3, 0);
    case DpmAlgorithm::kDpmSolver:
      return heun ? Combine(f.cx_noise, -f.S, -t.sigma * ((ep - 1.0) / h - 1.0),
                            -t.sigma * ((ep - 1.0 - h) / (h * h) - 0.5), w, 3, 0)
                  : Combine(f.cx_noise, -f.S, -t.sigma * ((ep - 1.0) / h - 1.0), 0, w_mid, 3, 0);
    case DpmAlgorithm::kSdeDpmSolverPP:
      return heun ? Combine(f.cx_sde_pp, f.E, t.alpha * ((1.0 - e2) / (-2.0 * h) + 1.0),
                            t.alpha * ((1.0 - e2 + (-2.0 * h)) / ((-2.0 * h) * (-2.0 * h)) - 0.5), w, 3,
                            f.noise_pp)
                  : Combine(f.cx_sde_pp, f.E, t.alpha * ((1.0 - e2) / (-2.0 * h) + 1.0), 0, w_mid, 3,
                            f.noise_pp);
    case DpmAlgorithm::kSdeDpmSolver:
      throw Error("DPMSolverSinglestepScheduler: sde-dpmsolver is not supported (diffusers has none)");
  }
  return {};
}

}  // namespace schedkit::diffusion::internal
