// The Gaussian-mixture benchmark's exact denoiser, reference ODE and the schedule optimiser.
#include "schedkit/diffusion/gmm_benchmark.h"

#include <gtest/gtest.h>

#include <cmath>

#include "schedkit/diffusion/schedule_optimizer.h"
#include "schedkit/util/error.h"

namespace schedkit::diffusion {
namespace {

TEST(DiffusionGmmBenchmark, DenoiserLimits) {
  double y[2] = {0.7, -0.3}, d[2];
  GmmBenchmark::Denoise(y, 1e6, d);  // sigma -> infinity: the mixture mean
  EXPECT_NEAR(d[0], 0.3 * -2 + 0.3 * 2, 1e-6);
  EXPECT_NEAR(d[1], 0.2 * 2.5 + 0.2 * -1.5, 1e-6);
  double near[2] = {2.1, 0.05};
  GmmBenchmark::Denoise(near, 1e-6, d);  // sigma -> 0: the point itself
  EXPECT_NEAR(d[0], 2.1, 1e-9);
  EXPECT_NEAR(d[1], 0.05, 1e-9);
  // Single-component region: the Gaussian posterior mean mu + s^2/(s^2+sigma^2)(y - mu) (component 2, s =
  // 0.2).
  double top[2] = {0.1, 2.6};
  GmmBenchmark::Denoise(top, 0.1, d);
  EXPECT_NEAR(d[0], 0.04 / 0.05 * 0.1, 1e-6);
  EXPECT_NEAR(d[1], 2.5 + 0.04 / 0.05 * 0.1, 1e-6);
}

TEST(DiffusionGmmBenchmark, OdeEndpointOfAFarPointConvergesAndIsDeterministic) {
  double a[2], b[2];
  GmmOdeEndpoint(3.0, 1.0, 14.6, 1e-4, 500, a);
  GmmOdeEndpoint(3.0, 1.0, 14.6, 1e-4, 2000, b);
  EXPECT_NEAR(a[0], b[0], 1e-5);
  EXPECT_NEAR(a[1], b[1], 1e-5);
}

TEST(DiffusionGmmBenchmark, EpsModelMatchesDenoiserAtIntegerTimesteps) {
  GmmBenchmark b(4, 10, 0, 50);
  const std::vector<int64_t> shape = {1, 2};
  std::vector<float> x = {0.4f, -1.1f}, out(2);
  b.EpsModel({x, shape}, 500, {out, shape});
  const double a = b.alphas_cumprod()[500];
  double y[2] = {x[0] / std::sqrt(a), x[1] / std::sqrt(a)}, d[2];
  GmmBenchmark::Denoise(y, std::sqrt((1 - a) / a), d);
  EXPECT_NEAR(out[0], (x[0] - std::sqrt(a) * d[0]) / std::sqrt(1 - a), 1e-5);
  EXPECT_NEAR(out[1], (x[1] - std::sqrt(a) * d[1]) / std::sqrt(1 - a), 1e-5);
}

TEST(DiffusionGmmBenchmark, ErrorsShrinkWithNfeForDeterministicSamplers) {
  GmmBenchmark b(200, 2000, 3, 800);
  for (const auto& s : GmmSamplers()) {
    if (s.label != "DPM++ 2M" && s.label != "UniPC bh1 o3") continue;
    const double e4 = b.Evaluate(s, 4).ode_rmse, e10 = b.Evaluate(s, 10).ode_rmse,
                 e25 = b.Evaluate(s, 25).ode_rmse;
    EXPECT_GT(e4, e10) << s.label;
    EXPECT_GT(e10, e25) << s.label;
    EXPECT_LT(e10, 0.2) << s.label;  // anchors: 0.15 and 0.121 at 10 NFE
    EXPECT_GT(b.Evaluate(s, 10).sw2, 0.0);
  }
  EXPECT_FALSE(b.Evaluate(GmmSamplers()[3], 4).reachable);  // Heun: odd NFE only
}

TEST(DiffusionScheduleOptimizer, NeverWorsensTheTrainingErrorAndKeepsAValidSchedule) {
  GmmBenchmark train(60, 2, 11, 400);
  const GmmSampler dpm = GmmSamplers()[4];  // DPM++ 2M
  const ScheduleSearchResult r = OptimizeTimesteps(train, dpm, 4, /*max_passes=*/1);
  EXPECT_LE(r.final_error, r.initial_error);
  EXPECT_LT(r.final_error, 0.9 * r.initial_error);  // 4 linspace steps leave a lot to gain
  ASSERT_EQ(r.timesteps.size(), 4u);
  for (size_t i = 1; i < r.timesteps.size(); ++i) EXPECT_LT(r.timesteps[i], r.timesteps[i - 1]);
  EXPECT_LE(r.timesteps.front(), 999);
  EXPECT_GE(r.timesteps.back(), 0);
  EXPECT_GT(r.evaluations, 1);
  EXPECT_THROW(OptimizeTimesteps(train, GmmSamplers().back(), 4), Error);  // stochastic DDPM
  const ScheduleSearchResult robust = OptimizeTimesteps(train, dpm, 4, 1, /*clip_distance=*/0.3);
  EXPECT_LE(robust.final_error, robust.initial_error);
  EXPECT_LE(robust.initial_error, r.initial_error + 1e-12);  // clipping can only lower the loss
}

}  // namespace
}  // namespace schedkit::diffusion
