// Paper schedules on hand-computed values, including the Power scheduler's decay phase (no golden covers it).
#include "schedkit/train/papers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "schedkit/util/error.h"

namespace schedkit::train::papers {
namespace {

PowerOptions SmallPower() {
  PowerOptions o;
  o.num_warmup_steps = 4;
  o.num_training_steps = 20;
  o.num_decay_steps = 4;
  o.lr_decay_factor = 0.1;
  o.a = 1.0;
  o.b = -0.5;
  o.c = 1.0;
  o.optimizer_lr = 1.0;
  return o;
}

TEST(TrainPapers, PowerWarmupAndPowerLawPhases) {
  const auto p = Power(SmallPower());
  EXPECT_DOUBLE_EQ(p->At(0), 0.0);
  EXPECT_DOUBLE_EQ(p->At(2), 0.25);  // linear warmup to min(1, 4^-0.5) = 0.5 at step 4
  EXPECT_DOUBLE_EQ(p->At(4), 0.5);
  EXPECT_DOUBLE_EQ(p->At(9), 1.0 / 3.0);  // 9^-0.5
  EXPECT_DOUBLE_EQ(p->At(16), 0.25);      // decay starts at N - D = 16
}

TEST(TrainPapers, PowerExponentialDecayPhaseEndsAtTheDecayFactor) {
  const auto p = Power(SmallPower());
  const double e = std::numbers::e;
  const double a = 0.9 * e / (e - 1), b = (0.1 * e - 1) / (e - 1);
  EXPECT_NEAR(p->At(18), 0.25 * (a * std::exp(-0.5) + b), 1e-15);
  EXPECT_NEAR(p->At(20), 0.025, 1e-15);  // 0.25 * lr_decay_factor
  EXPECT_NEAR(p->At(25), 0.025, 1e-15);  // held after num_training_steps
  for (int n = 16; n < 20; ++n) EXPECT_GT(p->At(n), p->At(n + 1)) << n;
}

TEST(TrainPapers, PowerLinearAndCosineDecayShapes) {
  auto o = SmallPower();
  o.decay_shape = DecayShape::kLinear;
  EXPECT_NEAR(Power(o)->At(18), 0.25 * 0.55, 1e-15);
  o.decay_shape = DecayShape::kCosine;
  EXPECT_NEAR(Power(o)->At(18), 0.25 * (0.9 * 0.5 + 0.1), 1e-15);
  EXPECT_NEAR(Power(o)->At(20), 0.025, 1e-15);
}

TEST(TrainPapers, PowerWithoutDecayIsDolomite) {
  auto o = SmallPower();
  o.num_decay_steps.reset();
  EXPECT_DOUBLE_EQ(Power(o)->At(20), std::pow(20.0, -0.5));
  EXPECT_DOUBLE_EQ(Power(o)->At(100), 0.1);
}

TEST(TrainPapers, RexPaperAndCodeFormsDiffer) {
  const auto paper = RexPaper(1.0, 0.0, 100);
  const auto code = RexCode(1.0, 0.0, 100);
  EXPECT_DOUBLE_EQ(paper->At(0), 1.0);
  EXPECT_DOUBLE_EQ(paper->At(50), 0.5 / 0.75);
  EXPECT_DOUBLE_EQ(paper->At(100), 0.0);
  EXPECT_NEAR(code->At(50), 0.5 / 0.55, 1e-15);
  EXPECT_DOUBLE_EQ(code->At(100), 1.0);  // the code form restarts: t mod T
}

TEST(TrainPapers, MedianFilterReflectPaddingAndNearestEdges) {
  EXPECT_EQ(MedianFilterForRefinement({1, 5, 2, 8, 3}, 3), (std::vector<double>{1, 2, 5, 3, 8}));
  EXPECT_EQ(RefinementFilterWidth(0.05, 200), 11);
  EXPECT_THROW(MedianFilterForRefinement({1, 2, 3}, 2), Error);
}

TEST(TrainPapers, RefinementOfConstantNormsIsLinearDecay) {
  const auto r = RefineFromGradNorms(std::vector<double>(50, 2.0));
  ASSERT_EQ(r.values.size(), 50u);
  for (size_t t = 0; t < 50; ++t) EXPECT_NEAR(r.values[t], 1.0 - static_cast<double>(t) / 49.0, 1e-14) << t;
  const auto small = RefineFromGradNorms({1.0, 1.0, 1.0});
  EXPECT_EQ(small.raw, (std::vector<double>{2.0, 1.0, 0.0}));
  // Larger late gradients lower the late step sizes relative to linear decay.
  const auto rising = RefineFromGradNorms({1.0, 1.0, 2.0, 2.0, 2.0});
  EXPECT_LT(rising.values[2], 0.5);
}

TEST(TrainPapers, SwdAndSgdsMultipliers) {
  EXPECT_DOUBLE_EQ(SwdMultiplier(0.01, 0.1, 0.04), 0.995);
  EXPECT_DOUBLE_EQ(MeanOfSecondMoments({1.0, 2.0, 3.0, 6.0}), 3.0);
  EXPECT_DOUBLE_EQ(SgdsMultiplier(0.1, 0.1, 0.5), 1.0 - 0.02);
  EXPECT_THROW(SwdMultiplier(0.01, 0.1, 0.0), Error);
}

TEST(TrainPapers, MaskingRateShapes) {
  EXPECT_DOUBLE_EQ(MaskingRate(0.3, 0.15, 10, "linear")->At(5), 0.225);
  EXPECT_NEAR(MaskingRate(0.3, 0.15, 10, "cosine")->At(5), 0.225, 1e-15);
  EXPECT_NEAR(MaskingRate(0.3, 0.15, 10, "cosine")->At(0), 0.3, 1e-15);
  const auto step = MaskingRate(0.3, 0.15, 9, "step", 3);
  EXPECT_DOUBLE_EQ(step->At(2), 0.3);
  EXPECT_DOUBLE_EQ(step->At(3), 0.225);
  EXPECT_DOUBLE_EQ(step->At(8), 0.15);
  EXPECT_DOUBLE_EQ(step->At(50), 0.15);
  EXPECT_THROW(MaskingRate(0.3, 0.15, 10, "square"), Error);
}

TEST(TrainPapers, ScheduledSampling) {
  EXPECT_DOUBLE_EQ(ScheduledSamplingLinear(1.0, 0.1, 0.25)->At(5), 0.5);
  EXPECT_DOUBLE_EQ(ScheduledSamplingLinear(1.0, 0.1, 0.25)->At(10), 0.25);
  EXPECT_DOUBLE_EQ(ScheduledSamplingExponential(0.5)->At(3), 0.125);
  EXPECT_DOUBLE_EQ(ScheduledSamplingInverseSigmoid(1.0)->At(0), 0.5);
  EXPECT_THROW(ScheduledSamplingInverseSigmoid(0.5), Error);
  EXPECT_THROW(ScheduledSamplingExponential(1.5), Error);
}

TEST(TrainPapers, AdAdaGradNormTest) {
  const auto s = ComputeNormTestStatistics({{1, 2}, {3, 4}});
  EXPECT_DOUBLE_EQ(s.variance_one_norm, 4.0);
  EXPECT_DOUBLE_EQ(s.grad_norm_squared, 13.0);
  NormTestBatchSize rule(10, 0.5, 300);
  EXPECT_EQ(rule.Update(s), 10);            // 4 / (0.25 * 13) < 10: keep
  EXPECT_EQ(rule.Update(30.0, 1.0), 120);   // ceil(30 / 0.25)
  EXPECT_EQ(rule.Update(100.0, 1.0), 300);  // 400 capped at max_batch_size
  EXPECT_EQ(rule.Update(1.0, 1.0), 300);    // never shrinks
  EXPECT_THROW(rule.Update(std::nan(""), 1.0), Error);
  EXPECT_THROW(ComputeNormTestStatistics({{1, 2}}), Error);
}

}  // namespace
}  // namespace schedkit::train::papers
