// Bad input for the issue-3 policies: requests without the field a policy needs, out-of-range options,
// unknown options; each error names the field or option.
#include <gtest/gtest.h>

#include <functional>

#include "schedkit/util/error.h"
#include "scheduler_test_util.h"

namespace schedkit::serve {
namespace {

using testing::ErrorOf;

SchedulerConfig Config() {
  SchedulerConfig c;
  c.num_kv_blocks = 100;
  return c;
}

TEST(PolicyErrors, ClientlessRequestsAreRejectedByClientPolicies) {
  for (const char* policy : {"lcf", "rpm"}) {
    const std::string msg = ErrorOf([&] {
      Scheduler s(Config(), MakePolicy(policy));
      s.AddRequest(testing::Spec(7, 0, 10, 2), 0);
    });
    EXPECT_NE(msg.find(std::string("policy ") + policy), std::string::npos) << msg;
    EXPECT_NE(msg.find("request 7 has no client id (field `client`)"), std::string::npos) << msg;
  }
  // vtc keeps the core's behaviour: clientless requests share one anonymous client (the CLI checks traces).
  Scheduler s(Config(), MakePolicy("vtc"));
  EXPECT_EQ(s.AddRequest(testing::Spec(7, 0, 10, 2), 0).state, RequestState::kWaiting);
}

TEST(PolicyErrors, ProgramlessCallsAreRejectedByAutellix) {
  for (const char* policy : {"autellix-plas", "autellix-atlas"}) {
    const std::string msg = ErrorOf([&] {
      Scheduler s(Config(), MakePolicy(policy));
      s.AddRequest(testing::Spec(3, 0, 10, 2), 0);
    });
    EXPECT_NE(msg.find("request 3 has no program id (field `program`)"), std::string::npos) << msg;
  }
}

TEST(PolicyErrors, OptionsOutOfRangeAndUnknownAreNamed) {
  EXPECT_NE(ErrorOf([] {
              MakePolicy("ltr", {{"ranker", "noisy"}, {"tau", "1.2"}});
            }).find("tau=1.2 must be in [-1, 1]"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] { MakePolicy("ltr", {{"tau", "-3"}}); }).find("tau=-3"), std::string::npos);
  EXPECT_NE(ErrorOf([] {
              MakePolicy("ltr", {{"ranker", "gpt"}});
            }).find("unknown kind 'gpt'"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] {
              MakePolicy("ltr", {{"starvation", "3"}});
            }).find("unknown option 'starvation'"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] {
              MakePolicy("sjf", {{"tau", "1"}});
            }).find("unknown option 'tau' (valid: decodes_first, min_run, preempt_gain, preemption"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] {
              MakePolicy("rpm", {{"rate_limit", "0"}});
            }).find("rate_limit=0"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] { MakePolicy("slai", {{"tbt_slo", "-1"}}); }).find("tbt_slo=-1"), std::string::npos);
  EXPECT_NE(ErrorOf([] {
              MakePolicy("autellix-plas", {{"ratio", "1"}});
            }).find("ratio=1"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] {
              MakePolicy("lcf", {{"lift", "1"}});
            }).find("unknown option 'lift'"),
            std::string::npos);
}

}  // namespace
}  // namespace schedkit::serve
