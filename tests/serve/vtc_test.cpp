// VTC: admission by smallest counter, counter lift on re-activation, charges input_weight x prompt +
// output_weight per decode token.
#include <gtest/gtest.h>

#include "scheduler_test_util.h"

namespace schedkit::serve {
namespace {

TEST(Vtc, AdmitsTheClientWithTheSmallestCounterFirst) {
  SchedulerConfig c;
  c.num_kv_blocks = 1000;
  c.token_budget = 10;
  c.watermark_fraction = 0;
  Scheduler s(c, MakePolicy("vtc"));
  // Client 0 sends three prompts of 10 at t=0, client 1 one at t=0 (after them in arrival order).
  const auto t = testing::RunTable(s, {testing::Spec(0, 0, 10, 1, 0), testing::Spec(1, 0, 10, 1, 0),
                                       testing::Spec(2, 0, 10, 1, 0), testing::Spec(3, 0, 10, 1, 1)});
  // After 0 is admitted client 0 has counter 10 and client 1 has 0: request 3 overtakes 1 and 2.
  const std::vector<std::string> want = {"0:10", "3:10", "1:10", "2:10"};
  EXPECT_EQ(t, want);
}

TEST(Vtc, ReactivatedClientIsLiftedToTheBackloggedMinimum) {
  SchedulerConfig c;
  c.num_kv_blocks = 1000;
  c.token_budget = 10;
  c.watermark_fraction = 0;
  Scheduler s(c, MakePolicy("vtc"));
  // Client 0 backlogged from t=0 with 4 prompts; client 1 arrives at t=2: lifted to client 0's counter (20),
  // so it does not get all the capacity it "missed": it alternates with client 0 (ties go to the lower id).
  const auto t = testing::RunTable(
      s, {testing::Spec(0, 0, 10, 1, 0), testing::Spec(1, 0, 10, 1, 0), testing::Spec(2, 0, 10, 1, 0),
          testing::Spec(3, 0, 10, 1, 0), testing::Spec(4, 2, 10, 1, 1), testing::Spec(5, 2, 10, 1, 1)});
  const std::vector<std::string> want = {"0:10", "1:10", "2:10", "4:10", "3:10", "5:10"};
  EXPECT_EQ(t, want);
}

}  // namespace
}  // namespace schedkit::serve
