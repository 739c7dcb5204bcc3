// The core combinators on hand-computed values.
#include <gtest/gtest.h>

#include "schedkit/train/schedule.h"
#include "schedkit/util/error.h"

namespace schedkit::train {
namespace {

SchedulePtr Identity() {
  return FromFunction([](int64_t s) { return static_cast<double>(s); });
}

TEST(TrainScheduleCore, ConstantAndFunction) {
  EXPECT_EQ(Constant(0.25)->At(0), 0.25);
  EXPECT_EQ(Constant(0.25)->At(1000000), 0.25);
  EXPECT_EQ((*Identity())(7), 7.0);
}

TEST(TrainScheduleCore, LinearWarmupPrefixAndNoPrefix) {
  const auto decay = FromFunction([](int64_t s) { return 2.0 - 0.1 * static_cast<double>(s); });
  const auto w = LinearWarmup(decay, 4, 0.0, /*prefix=*/true);
  EXPECT_DOUBLE_EQ(w->At(0), 0.0);
  EXPECT_DOUBLE_EQ(w->At(1), 0.5);
  EXPECT_DOUBLE_EQ(w->At(3), 1.5);
  EXPECT_DOUBLE_EQ(w->At(4), 2.0);  // inner(0)
  EXPECT_DOUBLE_EQ(w->At(6), 1.8);  // inner(2)
  const auto g = LinearWarmup(decay, 4, 0.0, /*prefix=*/false);
  EXPECT_DOUBLE_EQ(g->At(2), 0.8);  // half-way to inner(4) = 1.6
  EXPECT_DOUBLE_EQ(g->At(6), 1.4);  // inner(6)
}

TEST(TrainScheduleCore, SequenceRestartsEachPartAtItsBoundary) {
  const auto s = Sequence({Constant(1.0), Identity(), Scale(Identity(), 10.0)}, {3, 5});
  EXPECT_EQ(s->At(0), 1.0);
  EXPECT_EQ(s->At(2), 1.0);
  EXPECT_EQ(s->At(3), 0.0);
  EXPECT_EQ(s->At(4), 1.0);
  EXPECT_EQ(s->At(5), 0.0);
  EXPECT_EQ(s->At(7), 20.0);
}

TEST(TrainScheduleCore, ChainCycleScaleFloor) {
  EXPECT_EQ(Chain({Constant(2.0), Constant(3.0), Identity()})->At(2), 12.0);
  const auto c = Cycle(Identity(), 3);
  EXPECT_EQ(Evaluate(*c, 7), (std::vector<double>{0, 1, 2, 0, 1, 2, 0}));
  EXPECT_EQ(Scale(Identity(), 0.5)->At(3), 1.5);
  EXPECT_EQ(Floor(Scale(Identity(), -1.0), -2.0)->At(5), -2.0);
  EXPECT_EQ(Floor(Scale(Identity(), -1.0), -2.0)->At(1), -1.0);
}

TEST(TrainScheduleCore, BadArgumentsAreErrors) {
  EXPECT_THROW(Sequence({Constant(1.0), Constant(2.0)}, {}), Error);
  EXPECT_THROW(Sequence({Constant(1.0), Constant(2.0), Constant(3.0)}, {5, 5}), Error);
  EXPECT_THROW(Cycle(Identity(), 0), Error);
  EXPECT_THROW(LinearWarmup(Identity(), -1, 0.0), Error);
  EXPECT_THROW(Chain({}), Error);
  EXPECT_THROW(Evaluate(*Identity(), -1), Error);
}

}  // namespace
}  // namespace schedkit::train
