// Routers: the Autellix load balancer (short calls to the least-used replica, long calls pinned per program).
#include "schedkit/serve/router.h"

#include <gtest/gtest.h>

#include "scheduler_test_util.h"

namespace schedkit::serve {
namespace {

RequestSpec CallOf(RequestId id, int32_t prompt, ProgramId program) {
  RequestSpec s = testing::Spec(id, 0, prompt, 4);
  s.program = program;
  return s;
}

TEST(Router, AutellixPinsLongCallsToTheirProgramsEngineAndSpreadsShortOnes) {
  SchedulerConfig c;
  c.num_kv_blocks = 1000;
  c.max_model_len = 8192;
  Scheduler a(c, MakePolicy("vllm-v1")), b(c, MakePolicy("vllm-v1"));
  const Scheduler* replicas[] = {&a, &b};
  auto router = MakeRouter("autellix:100");
  a.AddRequest(CallOf(0, 10, 9), 0);                          // a has 1 outstanding request, b none
  EXPECT_EQ(router->Route(CallOf(1, 100, 0), replicas), 1u);  // short (<= 100): least used
  EXPECT_EQ(router->Route(CallOf(2, 101, 0), replicas), 1u);  // program 0's first long call pins b
  b.AddRequest(CallOf(3, 10, 9), 0);
  b.AddRequest(CallOf(4, 10, 9), 0);                           // now b is the busier one
  EXPECT_EQ(router->Route(CallOf(5, 5000, 0), replicas), 1u);  // long: stays on b
  EXPECT_EQ(router->Route(CallOf(6, 50, 0), replicas), 0u);    // short: least used, a
  EXPECT_EQ(router->Route(CallOf(7, 101, 1), replicas), 0u);   // program 1 pins a
  EXPECT_EQ(router->Route(CallOf(8, 300, 1), replicas), 0u);
  // The default threshold is 2048 prompt tokens.
  auto plain = MakeRouter("autellix");
  EXPECT_EQ(plain->Route(CallOf(9, 2048, 2), replicas), 0u);
  EXPECT_EQ(plain->Route(CallOf(10, 2049, 2), replicas), 0u);  // pins a (least used)
  a.AddRequest(CallOf(11, 10, 9), 0);
  a.AddRequest(CallOf(12, 10, 9), 0);
  EXPECT_EQ(plain->Route(CallOf(13, 2049, 2), replicas), 0u);
  EXPECT_EQ(plain->Route(CallOf(14, 2048, 2), replicas), 1u);
}

TEST(Router, BadNamesAndThresholds) {
  EXPECT_NE(testing::ErrorOf([] { MakeRouter("autellix:x"); }).find("router 'autellix:x': the threshold"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] { MakeRouter("nearest"); }).find("valid: round_robin, lor, random, autellix"),
            std::string::npos);
}

}  // namespace
}  // namespace schedkit::serve
