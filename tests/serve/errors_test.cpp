// Bad input: each error names what is wrong; requests that can never fit are rejected, not dropped or looped
// on.
#include <gtest/gtest.h>

#include "schedkit/util/error.h"
#include "scheduler_test_util.h"

namespace schedkit::serve {
namespace {

using testing::ErrorOf;

TEST(Errors, UnknownPolicyListsTheValidOnes) {
  const std::string msg = ErrorOf([] { MakePolicy("fifo"); });
  EXPECT_NE(msg.find("unknown policy 'fifo'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("sarathi"), std::string::npos) << msg;
  EXPECT_NE(msg.find("vtc"), std::string::npos) << msg;
}

TEST(Errors, UnknownAndMalformedPolicyOptionsAreNamed) {
  EXPECT_NE(ErrorOf([] {
              MakePolicy("sarathi", {{"chunk", "5"}});
            }).find("unknown option 'chunk'"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] {
              MakePolicy("vtc", {{"output_weight", "two"}});
            }).find("output_weight=two"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] {
              MakePolicy("vllm", {{"preemption", "drop"}});
            }).find("preemption=drop"),
            std::string::npos);
}

TEST(Errors, ImpossibleConfigurations) {
  SchedulerConfig c;
  c.num_kv_blocks = 0;
  EXPECT_NE(ErrorOf([&] { Scheduler s(c, MakePolicy("sarathi")); }).find("number of blocks"),
            std::string::npos);
  c.num_kv_blocks = 10;
  c.max_num_seqs = 0;
  EXPECT_NE(ErrorOf([&] { Scheduler s(c, MakePolicy("sarathi")); }).find("batch cap"), std::string::npos);
  c.max_num_seqs = 4;
  EXPECT_NE(ErrorOf([&] { Scheduler s(c, MakePolicy("orca")); }).find("max_model_len"), std::string::npos);
}

TEST(Errors, NonPositiveLengthsAreErrors) {
  SchedulerConfig c;
  c.num_kv_blocks = 10;
  Scheduler s(c, MakePolicy("sarathi"));
  EXPECT_NE(ErrorOf([&] { s.AddRequest(testing::Spec(7, 0, -3, 4), 0); }).find("request 7"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] { s.AddRequest(testing::Spec(8, 0, 3, 0), 0); }).find("request 8"),
            std::string::npos);
}

TEST(Errors, RequestLargerThanTheCacheIsRejectedNotLoopedOn) {
  SchedulerConfig c;
  c.num_kv_blocks = 10;  // 160 tokens, watermark 0 (int(0.1))
  c.block_size = 16;
  Scheduler s(c, MakePolicy("sarathi"));
  const Request& big = s.AddRequest(testing::Spec(1, 0, 150, 20), 0);
  EXPECT_EQ(big.state, RequestState::kRejected);
  const Request& ok = s.AddRequest(testing::Spec(2, 0, 100, 60), 0);
  EXPECT_EQ(ok.state, RequestState::kWaiting);
  EXPECT_EQ(s.num_waiting(), 1u);
}

TEST(Errors, WholePromptPolicyRejectsPromptsLongerThanItsBudget) {
  SchedulerConfig c;
  c.num_kv_blocks = 1000;
  c.token_budget = 64;
  Scheduler s(c, MakePolicy("vllm"));
  EXPECT_EQ(s.AddRequest(testing::Spec(1, 0, 65, 1), 0).state, RequestState::kRejected);
  EXPECT_EQ(s.AddRequest(testing::Spec(2, 0, 64, 1), 0).state, RequestState::kWaiting);
}

}  // namespace
}  // namespace schedkit::serve
