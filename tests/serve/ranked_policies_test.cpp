// Hand-computed iteration tables of the ranked policies (sjf, srpt, priority, ltr): ordering of every request
// each iteration, eviction of a running request by a higher-ranked waiting one, swap vs recompute, and LTR's
// starvation guard. Iterations are 1 s; iteration k runs at t = k - 1.
#include <gtest/gtest.h>

#include "scheduler_test_util.h"

namespace schedkit::serve {
namespace {

using testing::RunTable;
using testing::Spec;
using Table = std::vector<std::string>;

SchedulerConfig Roomy(int32_t budget, int32_t max_seqs) {
  SchedulerConfig c = testing::Roomy(budget, max_seqs);
  c.num_cpu_blocks = 100;  // swap room for the eviction cases
  return c;
}

TEST(IterationTableRanked, SjfOrdersEveryRequestByTrueLength) {
  Scheduler s(Roomy(8, 16), MakePolicy("sjf", {{"preempt_gain", "0"}, {"decodes_first", "false"}}));
  // A (0): prompt 4, 5 outputs; at t=1 B (1): prompt 2, 1 output and C (2): prompt 3, 2 outputs.
  const Table t = RunTable(s, {Spec(0, 0, 4, 5), Spec(1, 1, 2, 1), Spec(2, 1, 3, 2)});
  const Table want = {
      "0:4",
      "1:2 2:3 0:1",  // shortest first: B (1), C (2), then A's decode (5), 6 of 8 tokens
      "2:1 0:1",      // B finished; C (2) before A
      "0:1",         "0:1",
  };
  EXPECT_EQ(t, want);
}

TEST(IterationTableRanked, SjfEvictsTheRunningRequestBySwap) {
  Scheduler s(Roomy(16, 1),
              MakePolicy("sjf", {{"preempt_gain", "0"},
                                 {"decodes_first", "false"}}));  // batch cap 1: B needs A's place
  const Table t = RunTable(s, {Spec(0, 0, 4, 4), Spec(1, 1, 4, 1)});
  // t=1: B (1 output) outranks A (4): A is swapped out, keeps its 5 tokens of KV, resumes with 1 token.
  const Table want = {"0:4", "1:4", "0:1", "0:1", "0:1"};
  EXPECT_EQ(t, want);
}

TEST(IterationTableRanked, SjfEvictsByRecomputeWhenAsked) {
  Scheduler s(
      Roomy(16, 1),
      MakePolicy("sjf", {{"preemption", "recompute"}, {"preempt_gain", "0"}, {"decodes_first", "false"}}));
  const Table t = RunTable(s, {Spec(0, 0, 4, 4), Spec(1, 1, 4, 1)});
  // A restarts: prompt 4 + its 1 generated token recomputed.
  const Table want = {"0:4", "1:4", "0:5", "0:1", "0:1"};
  EXPECT_EQ(t, want);
}

TEST(IterationTableRanked, SrptKeepsTheRequestWithLessRemainingWhereSjfSwitches) {
  // A (0): prompt 2, 6 outputs; B (1) at t=2: prompt 2, 5 outputs. Batch cap 1, recompute.
  const std::vector<RequestSpec> specs = {Spec(0, 0, 2, 6), Spec(1, 2, 2, 5)};
  Scheduler srpt(
      Roomy(16, 1),
      MakePolicy("srpt", {{"preemption", "recompute"}, {"preempt_gain", "0"}, {"decodes_first", "false"}}));
  // At t=2 A has 4 tokens left < B's 5: A finishes first.
  const Table want_srpt = {"0:2", "0:1", "0:1", "0:1", "0:1", "0:1", "1:2", "1:1", "1:1", "1:1", "1:1"};
  EXPECT_EQ(RunTable(srpt, specs), want_srpt);
  Scheduler sjf(
      Roomy(16, 1),
      MakePolicy("sjf", {{"preemption", "recompute"}, {"preempt_gain", "0"}, {"decodes_first", "false"}}));
  // SJF ranks by total length: B (5) < A (6) evicts A, which later recomputes prompt 2 + 2 generated tokens.
  const Table want_sjf = {"0:2", "0:1", "1:2", "1:1", "1:1", "1:1", "1:1", "0:4", "0:1", "0:1", "0:1"};
  EXPECT_EQ(RunTable(sjf, specs), want_sjf);
}

TEST(IterationTableRanked, PriorityClassesAreStrict) {
  Scheduler s(Roomy(16, 1), MakePolicy("priority"));
  RequestSpec a = Spec(0, 0, 2, 3);
  a.priority = 1;
  RequestSpec b = Spec(1, 1, 2, 2);
  b.priority = 0;  // more important: evicts A (recompute, vLLM v1's default)
  const Table want = {"0:2", "1:2", "1:1", "0:3", "0:1"};
  EXPECT_EQ(RunTable(s, {a, b}), want);
}

TEST(IterationTableRanked, LtrWithoutStarvationGuardRunsTheShortJobFirst) {
  Scheduler s(Roomy(16, 1), MakePolicy("ltr", {{"starvation_threshold", "-1"},
                                               {"preemption", "recompute"},
                                               {"preempt_gain", "0"},
                                               {"decodes_first", "false"}}));
  // L (0): 5 outputs; S (1): 4 outputs; both prompt 1 at t=0. The oracle ranker puts S first.
  const Table want = {"1:1", "1:1", "1:1", "1:1", "0:1", "0:1", "0:1", "0:1", "0:1"};
  EXPECT_EQ(RunTable(s, {Spec(0, 0, 1, 5), Spec(1, 0, 1, 4)}), want);
}

TEST(IterationTableRanked, LtrPromotesAStarvedRequestForItsPeriod) {
  Scheduler s(Roomy(16, 1), MakePolicy("ltr", {{"starvation_threshold", "2"},
                                               {"preempt_gain", "0"},
                                               {"decodes_first", "false"},
                                               {"starvation_hold", "false"},
                                               {"starvation_max_promoted", "-1"},
                                               {"starvation_period", "1"},
                                               {"preemption", "recompute"}}));
  const Table want = {
      "1:1",  // it1: S first
      "1:1",  // it2: L idle 1 iteration
      "0:1",  // it3: L idle 2 -> promoted, evicts S (recompute)
      "1:3",  // it4: L's period used up, demoted; S (requeued, idle 1) outranks it again: prompt 1 + 2 tokens
      "1:1",  // it5: S finishes (4 tokens)
      "0:2",  // it6: L idle 2 again -> promoted; recomputes prompt 1 + 1 token
      "0:1", "0:1", "0:1",
  };
  EXPECT_EQ(RunTable(s, {Spec(0, 0, 1, 5), Spec(1, 0, 1, 4)}), want);
}

}  // namespace
}  // namespace schedkit::serve
