// ISBJSSP (interrupting, swap-allowed, blocking job shop): hand cases, validity on shared instances, errors.
#include "schedkit/graph/isbjssp.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "schedkit/graph/jssp_env.h"
#include "schedkit/util/error.h"
#include "shared_data.h"

namespace schedkit::graph {
namespace {

using testing::FromText;

TEST(GraphIsbjssp, BlockingByHand) {
  // J0: M0 (2) then M1 (3); J1: M1 (1) then M0 (1). MWKR: J0 (5) takes M0 at 0, J1 takes M1 at 0.
  // J1 ends on M1 at 1 and blocks it waiting for M0 (held by J0 until 2). At 2 J0 is blocked on M0
  // waiting for M1, held by blocked J1: a swap cycle, both move at 2. J1 finishes M0 at 3, J0 M1 at 5.
  const JsspInstance inst = FromText("2 2\n0 2 1 3\n1 1 0 1\n");
  IsbjsspOptions o;
  o.rule = DispatchRule::kMwkr;
  const IsbjsspResult r = SimulateIsbjssp(inst, o);
  EXPECT_TRUE(FindIsbjsspViolations(inst, r).empty());
  EXPECT_EQ(r.makespan, 5);
  EXPECT_EQ(r.swaps, 1);
  EXPECT_EQ(r.ops[inst.Op(1, 0)].leave, 2);  // J1 held M1 from 1 to 2 while blocked
  EXPECT_EQ(r.ops[inst.Op(0, 1)].enter, 2);
  EXPECT_EQ(r.blocked_time, 1);  // J1 blocked 1 unit; J0 swapped the moment it finished
}

TEST(GraphIsbjssp, FreeMachineGoesToTheRuleChoice) {
  // Both jobs want M0 first: SPT starts the short one, LPT the long one.
  const JsspInstance inst = FromText("2 2\n0 5 1 1\n0 2 1 1\n");
  IsbjsspOptions o;
  o.rule = DispatchRule::kSpt;
  const IsbjsspResult spt = SimulateIsbjssp(inst, o);
  EXPECT_EQ(spt.ops[inst.Op(1, 0)].enter, 0);
  o.rule = DispatchRule::kLpt;
  const IsbjsspResult lpt = SimulateIsbjssp(inst, o);
  EXPECT_EQ(lpt.ops[inst.Op(0, 0)].enter, 0);
  EXPECT_TRUE(FindIsbjsspViolations(inst, spt).empty());
  EXPECT_TRUE(FindIsbjsspViolations(inst, lpt).empty());
}

TEST(GraphIsbjssp, ValidUnderShutdownsAndDeterministicForASeed) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const JsspInstance inst = RandomJsspInstance(5 + static_cast<int>(seed), 4, seed);
    for (double p : {0.0, 0.05, 0.1}) {
      for (auto rule : AllDispatchRules()) {
        IsbjsspOptions o;
        o.rule = rule;
        o.shutdown_probability = p;
        o.seed = seed;
        const IsbjsspResult r = SimulateIsbjssp(inst, o);
        const auto v = FindIsbjsspViolations(inst, r);
        ASSERT_TRUE(v.empty()) << inst.name << " p=" << p << " " << DispatchRuleName(rule) << ": " << v[0];
        EXPECT_GE(r.makespan, inst.TrivialLowerBound());
        if (p == 0) {
          EXPECT_EQ(r.shutdowns, 0);
        }
        EXPECT_EQ(SimulateIsbjssp(inst, o).makespan, r.makespan);
      }
    }
  }
}

TEST(GraphIsbjssp, ShutdownsSlowTheSharedInstancesDown) {
  const std::string path = testing::SharedPath("data/jssp/instances/ft06.txt");
  SCHEDKIT_REQUIRE_SHARED(path);
  const JsspInstance inst = ReadJsspInstance(path);
  IsbjsspOptions o;
  const int64_t calm = SimulateIsbjssp(inst, o).makespan;
  EXPECT_GE(calm, 55);  // the job-shop optimum bounds the blocking variant
  int64_t stormy = 0;
  o.shutdown_probability = 0.1;
  for (std::uint64_t s = 1; s <= 5; ++s) {
    o.seed = s;
    const IsbjsspResult r = SimulateIsbjssp(inst, o);
    EXPECT_TRUE(FindIsbjsspViolations(inst, r).empty());
    EXPECT_GT(r.shutdowns, 0);
    stormy += r.makespan;
  }
  EXPECT_GT(stormy / 5, calm);
}

TEST(GraphIsbjssp, RejectsBadOptionsAndTheValidatorCatchesTampering) {
  const JsspInstance inst = FromText("2 2\n0 2 1 3\n1 1 0 1\n");
  IsbjsspOptions o;
  o.shutdown_probability = 1.0;
  EXPECT_THROW(SimulateIsbjssp(inst, o), Error);
  o.shutdown_probability = -0.1;
  EXPECT_THROW(SimulateIsbjssp(inst, o), Error);
  o.shutdown_probability = 0;
  o.max_down = -1;
  EXPECT_THROW(SimulateIsbjssp(inst, o), Error);
  o.max_down = 0;
  IsbjsspResult r = SimulateIsbjssp(inst, o);
  r.ops[inst.Op(0, 1)].enter = 3;  // no longer entered when it left M0 (blocking broken)
  EXPECT_FALSE(FindIsbjsspViolations(inst, r).empty());
  r = SimulateIsbjssp(inst, o);
  r.ops[inst.Op(1, 1)].runs[0].second += 1;  // processed too long
  EXPECT_FALSE(FindIsbjsspViolations(inst, r).empty());
}

}  // namespace
}  // namespace schedkit::graph
