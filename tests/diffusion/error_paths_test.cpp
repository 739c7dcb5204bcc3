// Bad input: every case is a schedkit::Error whose message names the input (and lists valid values).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "common/error_of.h"
#include "schedkit/diffusion/scheduler.h"
#include "schedkit/util/error.h"

namespace schedkit::diffusion {
namespace {

using schedkit::testing::ErrorOf;

TEST(DiffusionErrorPaths, UnknownSchedulerListsValidNames) {
  const std::string m = ErrorOf([] { MakeScheduler("dpm++2m"); });
  EXPECT_NE(m.find("unknown scheduler 'dpm++2m'"), std::string::npos) << m;
  EXPECT_NE(m.find("dpmsolver_multistep"), std::string::npos) << m;
  EXPECT_NE(m.find("UniPCMultistepScheduler"), std::string::npos) << m;
}

TEST(DiffusionErrorPaths, UnknownConfigKeyListsValidKeys) {
  const std::string m = ErrorOf([] { MakeScheduler("euler", {"use_karas_sigmas=true"}); });
  EXPECT_NE(m.find("use_karas_sigmas"), std::string::npos) << m;
  EXPECT_NE(m.find("use_karras_sigmas"), std::string::npos) << m;  // listed among the valid keys
  const std::string v = ErrorOf([] { MakeScheduler("ddim", {"timestep_spacing=uniform"}); });
  EXPECT_NE(v.find("valid values: linspace, leading, trailing"), std::string::npos) << v;
  const std::string t = ErrorOf([] { MakeScheduler("ddim", {"clip_sample=maybe"}); });
  EXPECT_NE(t.find("clip_sample"), std::string::npos) << t;
  EXPECT_NE(ErrorOf([] { MakeScheduler("ddim", {"no_equals_sign"}); }).find("key=value"), std::string::npos);
}

TEST(DiffusionErrorPaths, StepCountZeroOrAboveTrainingTimesteps) {
  for (const char* name : {"ddim", "ddpm", "euler", "heun", "dpmsolver_multistep", "unipc", "deis", "lcm",
                           "flow_match_euler", "euler_ancestral", "dpmsolver_singlestep"}) {
    auto s = MakeScheduler(name);
    EXPECT_NE(ErrorOf([&] { s->SetTimesteps(0); }).find("at least 1"), std::string::npos) << name;
    EXPECT_NE(ErrorOf([&] { s->SetTimesteps(1001); }).find("cannot exceed"), std::string::npos) << name;
  }
}

TEST(DiffusionErrorPaths, CustomSigmasMustDecrease) {
  auto s = MakeScheduler("euler");
  TimestepRequest r;
  r.sigmas = std::vector<double>{14.6, 3.0, 5.0, 0.0};
  const std::string m = ErrorOf([&] { s->SetTimesteps(r); });
  EXPECT_NE(m.find("strictly decreasing"), std::string::npos) << m;
  EXPECT_NE(m.find("entry 2"), std::string::npos) << m;
  TimestepRequest t;
  t.timesteps = std::vector<double>{999, 999, 500};
  auto d = MakeScheduler("ddpm");
  EXPECT_NE(ErrorOf([&] { d->SetTimesteps(t); }).find("strictly decreasing"), std::string::npos);
}

TEST(DiffusionErrorPaths, ShapeMismatchBetweenModelOutputAndSample) {
  auto s = MakeScheduler("dpmsolver_multistep");
  s->SetTimesteps(4);
  std::vector<float> x(6, 0.1f), mo(6, 0.0f);
  const std::vector<int64_t> sx = {2, 3}, sm = {3, 2};
  const std::string m = ErrorOf([&] { s->Step({mo, sm}, s->timesteps()[0], {x, sx}); });
  EXPECT_NE(m.find("model output shape [3, 2] does not match sample shape [2, 3]"), std::string::npos) << m;
  std::vector<float> small(5);
  const std::vector<int64_t> s5 = {2, 3};
  EXPECT_NE(ErrorOf([&] {
              s->Step({small, s5}, s->timesteps()[0], {x, sx});
            }).find("5 elements"),
            std::string::npos);
}

TEST(DiffusionErrorPaths, NanInModelOutputNamesTheStepUnlessAllowed) {
  auto s = MakeScheduler("euler");
  s->SetTimesteps(5);
  const std::vector<int64_t> shape = {4};
  std::vector<float> x(4, 1.0f), mo(4, 0.1f), in(4);
  for (int k = 0; k < 2; ++k) {
    s->ScaleModelInput({x, shape}, s->timesteps()[k], {in, shape});
    s->Step({mo, shape}, s->timesteps()[k], {x, shape});
  }
  mo[3] = std::numeric_limits<float>::quiet_NaN();
  const std::string m = ErrorOf([&] { s->Step({mo, shape}, s->timesteps()[2], {x, shape}); });
  EXPECT_NE(m.find("NaN at step index 2"), std::string::npos) << m;
  EXPECT_NE(m.find("element 3"), std::string::npos) << m;
  StepOptions allow;
  allow.allow_nan = true;
  EXPECT_NO_THROW(s->Step({mo, shape}, s->timesteps()[2], {x, shape}, allow));
  EXPECT_TRUE(std::isnan(x[3]));
}

TEST(DiffusionErrorPaths, ProtocolMisuse) {
  auto s = MakeScheduler("ddim");
  std::vector<float> x(2), mo(2);
  const std::vector<int64_t> shape = {2};
  EXPECT_NE(ErrorOf([&] {
              s->Step({mo, shape}, 999, {x, shape});
            }).find("before set_timesteps"),
            std::string::npos);
  s->SetTimesteps(2);
  s->Step({mo, shape}, s->timesteps()[0], {x, shape});
  s->Step({mo, shape}, s->timesteps()[1], {x, shape});
  EXPECT_NE(ErrorOf([&] { s->Step({mo, shape}, 1, {x, shape}); }).find("timesteps"), std::string::npos);
  auto e = MakeScheduler("euler");
  e->SetTimesteps(3);
  EXPECT_NE(ErrorOf([&] {
              e->Step({mo, shape}, 123.5, {x, shape});
            }).find("not in the schedule"),
            std::string::npos);
  EXPECT_NE(
      ErrorOf([] { MakeScheduler("dpmsolver_multistep", {"algorithm_type=dpmsolver"}); }).find("sigma_min"),
      std::string::npos);
}

}  // namespace
}  // namespace schedkit::diffusion
