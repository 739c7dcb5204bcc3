// Named tests for the diffusers behaviours the golden README lists as captured (reproduced, not fixed),
// hand-computed small cases and invariants.
#include <gtest/gtest.h>

#include <cmath>

#include "schedkit/diffusion/noise_schedule.h"
#include "schedkit/diffusion/scheduler.h"

namespace schedkit::diffusion {
namespace {

// Runs a full pipeline with a model that predicts a fixed epsilon proportional to the input.
std::vector<float> RunPipeline(Scheduler& s, int steps, std::vector<float> x, float eps_gain = 0.5f) {
  const std::vector<int64_t> shape = {1, static_cast<int64_t>(x.size())};
  s.SetTimesteps(steps);
  for (float& v : x) v = static_cast<float>(v * s.init_noise_sigma());
  std::vector<float> in(x.size()), out(x.size());
  StepOptions o;
  o.allow_nan = true;
  for (double t : s.timesteps()) {
    s.ScaleModelInput({x, shape}, t, {in, shape});
    for (size_t i = 0; i < in.size(); ++i) out[i] = eps_gain * in[i];
    s.Step({out, shape}, t, {x, shape}, o);
  }
  return x;
}

TEST(DiffusionCapturedBehaviour, UniPcNanAvoidanceViaSigmaMin) {
  // diffusers: bh1 (or predict_x0=false) with final_sigmas_type=zero gives NaN on the last step, because
  // B(h) = h is infinite when the final sigma is 0. Reproduced; sigma_min avoids it.
  auto zero = MakeScheduler("unipc", {"solver_type=bh1", "solver_order=3", "final_sigmas_type=zero",
                                      "beta_schedule=scaled_linear", "beta_start=0.00085", "beta_end=0.012"});
  const std::vector<float> nan_out = RunPipeline(*zero, 10, {0.3f, -1.2f, 0.7f});
  for (float v : nan_out) EXPECT_TRUE(std::isnan(v));
  auto noise_pred = MakeScheduler("unipc", {"predict_x0=false", "final_sigmas_type=zero"});
  for (float v : RunPipeline(*noise_pred, 10, {0.3f, -1.2f, 0.7f})) EXPECT_TRUE(std::isnan(v));
  auto sigma_min =
      MakeScheduler("unipc", {"solver_type=bh1", "solver_order=3", "final_sigmas_type=sigma_min",
                              "beta_schedule=scaled_linear", "beta_start=0.00085", "beta_end=0.012"});
  for (float v : RunPipeline(*sigma_min, 10, {0.3f, -1.2f, 0.7f})) EXPECT_TRUE(std::isfinite(v));
  auto bh2 = MakeScheduler("unipc", {"final_sigmas_type=zero"});  // bh2: B(h) = expm1(-inf) = -1, finite
  for (float v : RunPipeline(*bh2, 10, {0.3f, -1.2f, 0.7f})) EXPECT_TRUE(std::isfinite(v));
}

TEST(DiffusionCapturedBehaviour, FlowMatchShiftsSigmaMinTwice) {
  auto s = MakeScheduler("flow_match_euler", {"shift=3"});
  s->SetTimesteps(10);
  const double shift = 3, N = 1000;
  auto f = [&](double x) { return shift * x / (1 + (shift - 1) * x); };
  const double once = static_cast<float>(3.0f * 0.001f / (1.0f + 2.0f * 0.001f));  // constructor, float32
  EXPECT_NEAR(s->sigmas()[9], f(once), 1e-7);         // set_timesteps shifts it again
  EXPECT_GT(std::fabs(s->sigmas()[9] - once), 1e-3);  // not the singly shifted value
  EXPECT_NEAR(s->timesteps()[9], s->sigmas()[9] * N, 1e-3);
  EXPECT_EQ(s->sigmas()[0], 1.0f);
  EXPECT_EQ(s->sigmas()[10], 0.0f);
}

TEST(DiffusionCapturedBehaviour, DpmRoundsKarrasTimesteps) {
  const std::vector<std::string> sd = {"beta_schedule=scaled_linear", "beta_start=0.00085", "beta_end=0.012",
                                       "use_karras_sigmas=true"};
  auto dpm = MakeScheduler("dpmsolver_multistep", sd);
  auto euler = MakeScheduler("euler", sd);
  dpm->SetTimesteps(10);
  euler->SetTimesteps(10);
  int fractional = 0;
  for (int i = 0; i < 10; ++i) {
    const double te = euler->timesteps()[i], td = dpm->timesteps()[i];
    EXPECT_EQ(td, std::round(td));                        // DPM: integer timesteps
    EXPECT_NEAR(td, RoundHalfEven(te), 1.0 + 1e-9) << i;  // the rounded Euler (unrounded) value
    fractional += te != std::round(te);
    EXPECT_NEAR(dpm->sigmas()[i], euler->sigmas()[i], 1e-5 * euler->sigmas()[i]);  // same Karras sigmas
  }
  EXPECT_GT(fractional, 5);  // Euler keeps fractional timesteps
  // squaredcos_cap_v2 is the documented exception: DPM does not round there.
  auto cos =
      MakeScheduler("dpmsolver_multistep", {"beta_schedule=squaredcos_cap_v2", "use_karras_sigmas=true"});
  cos->SetTimesteps(10);
  int unrounded_truncated = 0;
  for (double t : cos->timesteps()) unrounded_truncated += t == std::trunc(t);
  EXPECT_EQ(unrounded_truncated, 10);  // int64 cast of the unrounded value
}

TEST(DiffusionCapturedBehaviour, ForcedFirstOrderFinalStep) {
  // final_sigmas_type=zero forces a first-order last step even with lower_order_final=false and 20 steps;
  // a first-order DPM++ step to sigma 0 returns the data prediction D0 = (x - sigma_t eps)/alpha_t exactly.
  auto s = MakeScheduler("dpmsolver_multistep", {"lower_order_final=false", "solver_order=3"});
  const std::vector<int64_t> shape = {1, 2};
  std::vector<float> x = {0.8f, -0.4f}, out(2), before;
  s->SetTimesteps(20);
  for (size_t k = 0; k < s->timesteps().size(); ++k) {
    for (size_t i = 0; i < 2; ++i) out[i] = 0.3f * x[i] + 0.1f;
    before = x;
    s->Step({out, shape}, s->timesteps()[k], {x, shape});
  }
  const double sig = s->sigmas()[19];
  const double alpha = 1 / std::sqrt(sig * sig + 1), sigma_t = sig * alpha;
  for (size_t i = 0; i < 2; ++i) {
    const double d0 = (before[i] - sigma_t * (0.3 * before[i] + 0.1)) / alpha;
    EXPECT_NEAR(x[i], d0, 1e-6 * std::max(1.0, std::fabs(d0)));
  }
}

TEST(DiffusionCapturedBehaviour, EulerInitNoiseSigmaDependsOnSpacing) {
  auto lin = MakeScheduler("euler", {"timestep_spacing=linspace"});
  auto lead = MakeScheduler("euler", {"timestep_spacing=leading", "steps_offset=1"});
  lin->SetTimesteps(10);
  lead->SetTimesteps(10);
  const double m = *std::max_element(lin->sigmas().begin(), lin->sigmas().end());
  EXPECT_NEAR(lin->init_noise_sigma(), m, 1e-6 * m);
  const double ml = *std::max_element(lead->sigmas().begin(), lead->sigmas().end());
  EXPECT_NEAR(lead->init_noise_sigma(), std::sqrt(ml * ml + 1), 1e-5 * ml);
}

TEST(DiffusionCapturedBehaviour, HeunInterleavesTimesteps) {
  auto s = MakeScheduler("heun");
  s->SetTimesteps(4);
  ASSERT_EQ(s->timesteps().size(), 7u);  // 2n - 1 step() calls
  EXPECT_EQ(s->timesteps()[1], s->timesteps()[2]);
  EXPECT_EQ(s->timesteps()[5], s->timesteps()[6]);
  EXPECT_EQ(s->sigmas().size(), 8u);
  EXPECT_EQ(s->sigmas().back(), 0.0f);
}

TEST(DiffusionHandComputed, KarrasAndExponentialRamps) {
  const auto k = KarrasSigmas(0.1, 10, 3);
  const double mid =
      std::pow(std::pow(10.0, 1 / 7.0) + 0.5 * (std::pow(0.1, 1 / 7.0) - std::pow(10.0, 1 / 7.0)), 7);
  EXPECT_DOUBLE_EQ(k[0], 10);
  EXPECT_NEAR(k[1], mid, 1e-12);
  EXPECT_NEAR(k[2], 0.1, 1e-14);
  const auto e = ExponentialSigmas(0.1, 10, 3);
  EXPECT_NEAR(e[1], 1.0, 1e-12);
  EXPECT_NEAR(BetaPpf(0.5, 0.6, 0.6), 0.5, 1e-12);  // symmetric Beta
  EXPECT_NEAR(RegularizedIncompleteBeta(0.3, 1, 1), 0.3, 1e-12);
  EXPECT_NEAR(RegularizedIncompleteBeta(0.3, 2, 1), 0.09, 1e-12);
}

TEST(DiffusionHandComputed, TimestepSpacings) {
  EXPECT_EQ(DdimTimesteps("leading", 1000, 4, 1), (std::vector<double>{751, 501, 251, 1}));
  EXPECT_EQ(DdimTimesteps("trailing", 1000, 4, 0), (std::vector<double>{999, 749, 499, 249}));
  EXPECT_EQ(DdimTimesteps("linspace", 1000, 4, 0), (std::vector<double>{999, 666, 333, 0}));
  EXPECT_EQ(MultistepTimesteps("linspace", 1000, 1000, 4, 0), (std::vector<double>{999, 749, 500, 250}));
  EXPECT_EQ(MultistepTimesteps("leading", 1000, 1000, 4, 0), (std::vector<double>{800, 600, 400, 200}));
  EXPECT_EQ(RoundHalfEven(2.5), 2.0);
  EXPECT_EQ(RoundHalfEven(3.5), 4.0);
}

TEST(DiffusionInvariants, AlphasCumprodDecreasesAndZeroSnrEndsAtZero) {
  for (const char* sched : {"linear", "scaled_linear", "squaredcos_cap_v2", "sigmoid"}) {
    auto ts = MakeTrainSchedule(sched, 1000, 0.0001, 0.02, false);
    for (size_t i = 1; i < ts.alphas_cumprod.size(); ++i)
      EXPECT_LT(ts.alphas_cumprod[i], ts.alphas_cumprod[i - 1]);
    auto z = MakeTrainSchedule(sched, 1000, 0.0001, 0.02, true);
    EXPECT_EQ(z.alphas_cumprod.back(), 0.0f) << sched;
    EXPECT_NEAR(z.alphas_cumprod.front(), ts.alphas_cumprod.front(), 1e-6) << sched;
  }
}

TEST(DiffusionInvariants, NormalNoiseIsDeterministicAndStandard) {
  NormalNoise a(42), b(42), c(43);
  std::vector<float> xa(20000), xb(20000), xc(20000);
  const std::vector<int64_t> shape = {20000};
  a.Normal(xa, shape);
  b.Normal(xb, shape);
  c.Normal(xc, shape);
  EXPECT_EQ(xa, xb);
  EXPECT_NE(xa, xc);
  double m = 0, v = 0;
  for (float x : xa) m += x;
  m /= xa.size();
  for (float x : xa) v += (x - m) * (x - m);
  v /= xa.size();
  EXPECT_NEAR(m, 0, 0.03);
  EXPECT_NEAR(v, 1, 0.03);
}

}  // namespace
}  // namespace schedkit::diffusion
