// PyTorch-style schedulers on hand-computed sequences, multiple param groups, and ReduceLROnPlateau
// where libtorch's C++ version diverges from Python.
#include "schedkit/train/pytorch.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "schedkit/util/error.h"

namespace schedkit::train::pytorch {
namespace {

template <typename S>
std::vector<double> Trace(S& s, int steps, size_t group = 0) {
  std::vector<double> out{s.optimizer().param_groups[group].lr};
  for (int i = 0; i < steps; ++i) {
    s.Step();
    out.push_back(s.optimizer().param_groups[group].lr);
  }
  return out;
}

void ExpectNear(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-12) << "index " << i;
}

TEST(TrainPytorch, StepLRAndMultiStepLRWithDuplicateMilestone) {
  StepLR s(MakeOptimizer({1.0}), 2, 0.5);
  ExpectNear(Trace(s, 5), {1, 1, 0.5, 0.5, 0.25, 0.25});
  MultiStepLR m(MakeOptimizer({1.0}), {2, 2, 4}, 0.1);
  ExpectNear(Trace(m, 4), {1, 1, 0.01, 0.01, 0.001});
}

TEST(TrainPytorch, ConstantLinearExponentialPolynomial) {
  ConstantLR c(MakeOptimizer({2.0}), 0.5, 3);
  ExpectNear(Trace(c, 4), {1, 1, 1, 2, 2});
  LinearLR l(MakeOptimizer({1.0}), 0.5, 1.0, 4);
  ExpectNear(Trace(l, 5), {0.5, 0.625, 0.75, 0.875, 1, 1});
  ExponentialLR e(MakeOptimizer({1.0}), 0.5);
  ExpectNear(Trace(e, 2), {1, 0.5, 0.25});
  PolynomialLR p(MakeOptimizer({1.0}), 4, 2.0);
  ExpectNear(Trace(p, 5), {1, 0.5625, 0.25, 0.0625, 0, 0});
}

TEST(TrainPytorch, CosineAnnealingRisesAgainPastTmaxAndClosedFormAgrees) {
  CosineAnnealingLR r(MakeOptimizer({1.0}), 2);
  ExpectNear(Trace(r, 4), {1, 0.5, 0, 0.5, 1});
  CosineAnnealingLR rec(MakeOptimizer({0.1}), 7, 0.001);
  CosineAnnealingLR closed(MakeOptimizer({0.1}), 7, 0.001, /*closed_form=*/true);
  const auto a = Trace(rec, 40), b = Trace(closed, 40);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-15) << i;
}

TEST(TrainPytorch, WarmRestartsDoubleThePeriod) {
  CosineAnnealingWarmRestarts s(MakeOptimizer({1.0}), 2, 2);
  const double c1 = (1 + std::cos(M_PI / 4)) / 2, c3 = (1 + std::cos(3 * M_PI / 4)) / 2;
  ExpectNear(Trace(s, 6), {1, 0.5, 1, c1, 0.5, c3, 1});
}

TEST(TrainPytorch, CyclicLRCyclesLrAndMomentumInOppositeDirections) {
  auto opt = MakeOptimizer({5.0}, 0.9);
  CyclicLROptions o;
  o.base_lr = {0.1};
  o.max_lr = {1.1};
  o.step_size_up = 2;
  CyclicLR s(opt, o);
  std::vector<double> lrs{opt->param_groups[0].lr}, moms{opt->param_groups[0].momentum};
  for (int i = 0; i < 4; ++i) {
    s.Step();
    lrs.push_back(opt->param_groups[0].lr);
    moms.push_back(opt->param_groups[0].momentum);
  }
  ExpectNear(lrs, {0.1, 0.6, 1.1, 0.6, 0.1});
  ExpectNear(moms, {0.9, 0.85, 0.8, 0.85, 0.9});
}

TEST(TrainPytorch, OneCycleLinearPhasesAndStepLimit) {
  OneCycleLROptions o;
  o.max_lr = {1.0};
  o.total_steps = 10;
  o.div_factor = 10;
  o.final_div_factor = 100;
  o.anneal_strategy = "linear";
  OneCycleLR s(MakeOptimizer({0.5}, 0.9), o);
  const auto lrs = Trace(s, 9);
  EXPECT_NEAR(lrs[0], 0.1, 1e-15);
  EXPECT_NEAR(lrs[1], 0.55, 1e-15);
  EXPECT_NEAR(lrs[2], 1.0, 1e-15);
  EXPECT_NEAR(lrs[3], 1.0 + (0.001 - 1.0) / 7.0, 1e-15);
  EXPECT_NEAR(lrs[9], 0.001, 1e-15);
  EXPECT_NEAR(s.optimizer().param_groups[0].momentum, 0.95, 1e-15);
  s.Step();                       // step_num == total_steps is still allowed in PyTorch
  EXPECT_THROW(s.Step(), Error);  // one more raises
}

TEST(TrainPytorch, MultipleParamGroupsKeepTheirOwnBase) {
  StepLR s(MakeOptimizer({1.0, 0.1}), 1, 0.5);
  s.Step();
  EXPECT_DOUBLE_EQ(s.last_lr()[0], 0.5);
  EXPECT_DOUBLE_EQ(s.last_lr()[1], 0.05);
  CyclicLROptions o;
  o.base_lr = {0.1, 0.2, 0.3};
  o.max_lr = {1.0};
  EXPECT_THROW(CyclicLR(MakeOptimizer({1.0, 1.0}), o), Error);  // 3 values for 2 groups
}

TEST(TrainPytorch, SequentialLRStepsTheNextSchedulerFromEpochZero) {
  auto opt = MakeOptimizer({1.0});
  std::vector<LRSchedulerPtr> children;
  children.push_back(std::make_unique<ConstantLR>(opt, 0.5, 10));
  children.push_back(std::make_unique<ExponentialLR>(opt, 0.5));
  SequentialLR s(opt, std::move(children), {2});
  ExpectNear(Trace(s, 4), {0.5, 0.5, 1.0, 0.5, 0.25});
}

TEST(TrainPytorch, ChainedSchedulerComposesMultiplicatively) {
  auto opt = MakeOptimizer({1.0});
  std::vector<LRSchedulerPtr> children;
  children.push_back(std::make_unique<ConstantLR>(opt, 0.1, 2));
  children.push_back(std::make_unique<ExponentialLR>(opt, 0.9));
  ChainedScheduler s(std::move(children));
  ExpectNear(Trace(s, 3), {0.1, 0.09, 0.81, 0.729});  // the PyTorch docstring's example
}

TEST(TrainPlateau, MaxModeCountsNegativeMetricsAsImprovements) {
  // libtorch starts max mode at numeric_limits<float>::min() (> 0), so a negative metric never improves.
  ReduceLROnPlateauOptions o;
  o.mode = "max";
  o.threshold_mode = "abs";
  o.threshold = 0.5;
  o.patience = 1;
  o.factor = 0.5;
  auto opt = MakeOptimizer({1.0});
  ReduceLROnPlateau s(opt, o);
  s.Step(-10.0);
  EXPECT_EQ(s.best(), -10.0);
  s.Step(
      -9.6);  // not better: -9.6 <= -10 + 0.5 (libtorch's max/abs test a > best * threshold would say better)
  EXPECT_EQ(s.num_bad_epochs(), 1);
  s.Step(-9.6);  // 2 bad epochs > patience 1: reduce
  EXPECT_DOUBLE_EQ(opt->param_groups[0].lr, 0.5);
  s.Step(-5.0);
  EXPECT_EQ(s.best(), -5.0);
}

TEST(TrainPlateau, CooldownMinLrAndEps) {
  ReduceLROnPlateauOptions o;
  o.patience = 0;
  o.cooldown = 2;
  o.factor = 0.5;
  auto opt = MakeOptimizer({1.0});
  ReduceLROnPlateau s(opt, o);
  std::vector<double> lrs{1.0};
  for (int i = 0; i < 5; ++i) {
    s.Step(1.0);
    lrs.push_back(opt->param_groups[0].lr);
  }
  ExpectNear(lrs, {1, 1, 0.5, 0.5, 0.5, 0.25});

  ReduceLROnPlateauOptions m;
  m.patience = 0;
  m.factor = 0.1;
  m.min_lr = {0.5};
  auto opt2 = MakeOptimizer({1.0});
  ReduceLROnPlateau floor(opt2, m);
  for (int i = 0; i < 4; ++i) floor.Step(1.0);
  EXPECT_EQ(opt2->param_groups[0].lr, 0.5);

  ReduceLROnPlateauOptions e;
  e.patience = 0;
  auto opt3 = MakeOptimizer({1e-9});
  ReduceLROnPlateau tiny(opt3, e);
  tiny.Step(1.0);
  tiny.Step(1.0);
  EXPECT_EQ(opt3->param_groups[0].lr, 1e-9);  // 1e-9 - 1e-10 <= eps: unchanged
}

TEST(TrainPlateau, NonFiniteMetricIsAnErrorNamingTheArgument) {
  ReduceLROnPlateau s(MakeOptimizer({1.0}));
  try {
    s.Step(std::numeric_limits<double>::quiet_NaN());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("metrics"), std::string::npos) << e.what();
  }
  EXPECT_THROW(s.Step(std::numeric_limits<double>::infinity()), Error);
  EXPECT_EQ(s.last_epoch(), 0);  // nothing was consumed
}

}  // namespace
}  // namespace schedkit::train::pytorch
