// The learned iteration-time model behind SLAI's deadline-sized iterations (src/serve, private):
// hand-computed decode fits, the prefill envelope and its one-bin extrapolation.
#include "../../src/serve/iteration_time_model.h"

#include <gtest/gtest.h>

#include "scheduler_test_util.h"

namespace schedkit::serve {
namespace {

TEST(IterationTimeModel, FitsDecodeOnlyIterationsExactly) {
  IterationTimeModel m(/*bin_tokens=*/100, /*forget=*/1.0);
  m.Add(0, 4, 0.010 + 0.002 * 4);
  EXPECT_FALSE(m.Usable());  // one decode count: the slope is unknown
  m.Add(0, 10, 0.010 + 0.002 * 10);
  EXPECT_FALSE(m.Usable());  // no prefill seen yet
  m.Add(150, 2, 0.010 + 0.002 * 2 + 0.05);
  ASSERT_TRUE(m.Usable());
  EXPECT_NEAR(m.DecodeSeconds(7), 0.024, 1e-12);
  EXPECT_NEAR(m.Predict(0, 7), 0.024, 1e-12);
}

TEST(IterationTimeModel, PrefillEnvelopeBoundsFromTheBinAboveAndExtrapolatesOneBin) {
  IterationTimeModel m(100, 1.0);
  m.Add(0, 1, 0.011);
  m.Add(0, 3, 0.013);                               // a = 0.010, c = 0.001
  m.Add(50, 1, 0.011 + 0.020);                      // bin 0 (1..100): share 0.020
  m.Add(180, 1, 0.011 + 0.070);                     // bin 1 (101..200): share 0.070
  m.Add(130, 1, 0.011 + 0.050);                     // bin 1: 0.050, the bin keeps its largest (0.070)
  EXPECT_EQ(m.MaxPredictable(), 300);               // one bin above the largest observed
  EXPECT_NEAR(m.PrefillSeconds(80), 0.070, 1e-12);  // bin 1 has samples, all larger than 80 tokens
  EXPECT_NEAR(m.PrefillSeconds(150), 0.070 * 3 / 2, 1e-12);  // bin 2 unseen: bin 1 scaled to 300 / 200
  EXPECT_NEAR(m.PrefillSeconds(250), 0.070 * 4 / 2, 1e-12);  // bin 2: bin 1 scaled to 400 / 200
  EXPECT_NEAR(m.Predict(250, 4), 0.014 + 0.140, 1e-12);
  // A smaller bin never predicts more than a larger one (running maximum).
  m.Add(20, 1, 0.011 + 0.090);  // an outlier in bin 0
  EXPECT_NEAR(m.PrefillSeconds(150), 0.090 * 3 / 2, 1e-12);
}

TEST(IterationTimeModel, RejectsBadParameters) {
  using testing::ErrorOf;
  EXPECT_NE(ErrorOf([] { IterationTimeModel(0, 0.9); }).find("bin width 0"), std::string::npos);
  EXPECT_NE(ErrorOf([] { IterationTimeModel(8, 0.0); }).find("forgetting factor 0"), std::string::npos);
}

}  // namespace
}  // namespace schedkit::serve
