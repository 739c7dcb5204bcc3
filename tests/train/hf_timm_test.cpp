// transformers and timm schedules on hand-computed values.
#include <gtest/gtest.h>

#include "schedkit/train/hf.h"
#include "schedkit/train/timm.h"
#include "schedkit/util/error.h"

namespace schedkit::train {
namespace {

TEST(TrainHf, LinearWarmupThenDecayToZero) {
  const auto f = hf::Linear(2, 6);
  EXPECT_EQ(Evaluate(*f, 8), (std::vector<double>{0, 0.5, 1, 0.75, 0.5, 0.25, 0, 0}));
}

TEST(TrainHf, WsdPhases) {
  hf::WsdOptions o;
  o.num_warmup_steps = 2;
  o.num_stable_steps = 3;
  o.num_decay_steps = 4;
  o.decay_type = "linear";
  o.min_lr_ratio = 0.2;
  const auto f = hf::WarmupStableDecay(o);
  EXPECT_DOUBLE_EQ(f->At(0), 0.2);
  EXPECT_DOUBLE_EQ(f->At(1), 0.6);
  EXPECT_DOUBLE_EQ(f->At(4), 1.0);
  EXPECT_DOUBLE_EQ(f->At(7), 0.6);  // (1 - 2/4) * 0.8 + 0.2
  EXPECT_DOUBLE_EQ(f->At(9), 0.2);
}

TEST(TrainHf, InverseSqrtDefaultsTimescaleToWarmup) {
  const auto f = hf::InverseSqrt(4);
  EXPECT_DOUBLE_EQ(f->At(2), 0.5);
  EXPECT_DOUBLE_EQ(f->At(4), 1.0);
  EXPECT_DOUBLE_EQ(f->At(16), 0.5);  // 1/sqrt(16/4)
}

TEST(TrainTimm, CosineHalfWayAndWarmup) {
  auto opt = pytorch::MakeOptimizer({1.0});
  timm::CycleOptions c;
  c.t_initial = 10;
  timm::CosineLRScheduler s(opt, c, {2, 0.0, false});
  EXPECT_EQ(opt->param_groups[0].lr, 0.0);  // the constructor sets warmup_lr_init
  s.Step(1);
  EXPECT_DOUBLE_EQ(opt->param_groups[0].lr, 0.5);
  s.Step(5);
  EXPECT_NEAR(opt->param_groups[0].lr, 0.5, 1e-15);
  s.Step(10);
  EXPECT_EQ(opt->param_groups[0].lr, 0.0);  // cycle_limit 1 reached: lr_min
  s.StepUpdate(3);                          // t_in_epochs: step_update does nothing
  EXPECT_EQ(opt->param_groups[0].lr, 0.0);
}

TEST(TrainTimm, MultiStepDecaysOneEpochEarlyLikeTimm) {
  auto opt = pytorch::MakeOptimizer({1.0});
  timm::MultiStepLRScheduler s(opt, {5}, 0.1);
  s.Step(3);
  EXPECT_EQ(opt->param_groups[0].lr, 1.0);
  s.Step(4);  // bisect_right(decay_t, t + 1)
  EXPECT_DOUBLE_EQ(opt->param_groups[0].lr, 0.1);
}

}  // namespace
}  // namespace schedkit::train
