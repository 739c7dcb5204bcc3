// Hand-computed iteration tables of the program- and SLO-aware policies: Autellix PLAS/ATLAS (multi-level
// queues on program / critical-path attained service) and SLAI (urgent decodes, shortest prompt, deferred
// decodes). Iterations are 1 s; iteration k runs at t = k - 1.
#include <gtest/gtest.h>

#include "scheduler_test_util.h"

namespace schedkit::serve {
namespace {

using testing::RunTable;
using Table = std::vector<std::string>;

RequestSpec Call(RequestId id, double arrival, int32_t prompt, int32_t output, ProgramId program,
                 std::vector<RequestId> parents = {}) {
  RequestSpec s = testing::Spec(id, arrival, prompt, output);
  s.program = program;
  s.parents = std::move(parents);
  return s;
}

using testing::Roomy;

// Queues: level 0 below 2 iterations of service, level 1 below 4, level 2 beyond.
const PolicyOptions kSmallQueues = {
    {"levels", "3"}, {"base", "2"}, {"ratio", "2"}, {"preemption", "recompute"}};

TEST(IterationTableAutellix, PlasDemotesByAttainedServiceAndRanksNewCallsByTheirProgram) {
  Scheduler s(Roomy(16, 1), MakePolicy("autellix-plas", kSmallQueues));
  const Table t =
      RunTable(s, {Call(0, 0, 1, 5, 0), Call(1, 2, 1, 2, 1), Call(2, 7, 1, 1, 0), Call(3, 7, 1, 1, 1)});
  const Table want = {
      "0:1", "0:1",  // call 0 alone; after 2 iterations it is in level 1
      "1:1",         // call 1 (program 1, level 0) evicts it (batch cap 1)
      "1:1",         // call 1 finishes: program 1 has 2 iterations of service
      "0:3",         // call 0 recomputes prompt + 2 tokens
      "0:1", "0:1",  // program 0: 5 iterations of service
      "3:1",         // t=7: call 3 (program 1: 2 -> level 1) before call 2 (program 0: 5 -> level 2)
      "2:1",
  };
  EXPECT_EQ(t, want);
}

TEST(IterationTableAutellix, AtlasRanksACallByItsCriticalPathNotTheProgramTotal) {
  // Program 0: calls 0 (3 tokens) and 1 (1 token) in parallel; call 2 depends on call 1 only. Program 1: call
  // 3. Budget 1 token per iteration.
  const std::vector<RequestSpec> specs = {Call(0, 0, 1, 3, 0), Call(1, 0, 1, 1, 0), Call(2, 4, 1, 1, 0, {1}),
                                          Call(3, 4, 1, 1, 1)};
  // it1-2: call 0 (earlier); it3: call 0 reached level 1, call 1 (level 0) runs; it4: call 0 finishes.
  Scheduler plas(Roomy(1, 4), MakePolicy("autellix-plas", kSmallQueues));
  // PLAS: call 2 starts at program 0's total service 4 (level 2): call 3 (level 0) first.
  const Table want_plas = {"0:1", "0:1", "1:1", "0:1", "3:1", "2:1"};
  EXPECT_EQ(RunTable(plas, specs), want_plas);
  Scheduler atlas(Roomy(1, 4), MakePolicy("autellix-atlas", kSmallQueues));
  // ATLAS: call 2's critical path is call 1's 1 iteration (level 0): it keeps its arrival order before
  // call 3.
  const Table want_atlas = {"0:1", "0:1", "1:1", "0:1", "2:1", "3:1"};
  EXPECT_EQ(RunTable(atlas, specs), want_atlas);
}

TEST(IterationTableAutellix, AntiStarvationPromotesALongWaitingCall) {
  PolicyOptions o = kSmallQueues;
  o["beta"] = "0.3";  // promote when waited iterations / service >= 0.3
  Scheduler s(Roomy(16, 1), MakePolicy("autellix-plas", o));
  // Program 0: call 0 (3 tokens) then call 1 (2 tokens) at t=3; program 1: call 2 (6 tokens) at t=3.
  const Table t = RunTable(s, {Call(0, 0, 1, 3, 0), Call(1, 3, 1, 2, 0), Call(2, 3, 1, 6, 1)});
  const Table want = {
      "0:1", "0:1", "0:1",  // program 0 has 3 iterations of service
      "2:1",                // t=3: call 2 (level 0) before call 1 (value 3: level 1)
      "1:1",  // call 1 waited 1 / service 3 >= 0.3: promoted to level 0, evicts call 2 (earlier arrival)
      "2:2",  // call 1 demoted (value 4: level 2); call 2 (level 0) evicts it, recomputes 1 + 1
      "2:1",  // call 1 waited 1 / 4 < 0.3
      "1:2",  // waited 2 / 4 >= 0.3: promoted again, evicts call 2 (level 1), finishes
      "2:4", "2:1", "2:1",  // call 2 recomputes prompt + 3 tokens and finishes
  };
  EXPECT_EQ(t, want);
}

TEST(IterationTableMlfq, EveryCallEntersTheFirstQueueWhateverItsProgramReceived) {
  // The PLAS workload above: at t=7 program 0 has 5 iterations of service and program 1 has 2, but MLFQ
  // ranks calls 2 and 3 by their own service (none): arrival order.
  Scheduler s(Roomy(16, 1), MakePolicy("mlfq", kSmallQueues));
  const Table t =
      RunTable(s, {Call(0, 0, 1, 5, 0), Call(1, 2, 1, 2, 1), Call(2, 7, 1, 1, 0), Call(3, 7, 1, 1, 1)});
  const Table want = {"0:1", "0:1", "1:1", "1:1", "0:3", "0:1", "0:1", "2:1", "3:1"};
  EXPECT_EQ(t, want);
}

TEST(IterationTableMlfq, CallLevelAntiStarvationComparesWaitWithTheCallsOwnService) {
  PolicyOptions o = kSmallQueues;
  o["beta"] = "1.0";  // promote when waited iterations / max(1, own service) >= 1
  Scheduler s(Roomy(16, 1), MakePolicy("mlfq", o));
  // Call 0 (6 tokens) at t=0; short calls 1, 2, 3 (2 tokens) at t=2, 4, 6; no program ids needed.
  const Table t = RunTable(s, {testing::Spec(0, 0, 1, 6), testing::Spec(1, 2, 1, 2),
                               testing::Spec(2, 4, 1, 2), testing::Spec(3, 6, 1, 2)});
  const Table want = {
      "0:1", "0:1",  // call 0: 2 iterations of service, level 1
      "1:1", "1:1",  // call 1 (level 0) evicts it and finishes
      "0:3",         // t=4: call 0 waited 2 / service 2 >= 1: promoted, runs before call 2 (earlier arrival)
      "2:1", "2:1",  // call 0 demoted (service 3); call 2 evicts it; call 3 (t=6) waits behind call 2
      "3:1",         // call 0 waited 2 / 3 < 1
      "0:4",         // waited 3 / 3: promoted, evicts call 3 (later arrival); recomputes 1 + 3
      "3:2",         // call 0 demoted (service 4): call 3 evicts it, recomputes 1 + 1 and finishes
      "0:5", "0:1",  // call 0 recomputes 1 + 4 and finishes
  };
  EXPECT_EQ(t, want);
}

TEST(IterationTableSlai, ShortestPromptFirstAndDecodesWithSlackGoLast) {
  Scheduler s(Roomy(4, 16), MakePolicy("slai", {{"tbt_slo", "2.5"}}));
  const Table t =
      RunTable(s, {testing::Spec(0, 0, 2, 4), testing::Spec(1, 0, 3, 2), testing::Spec(2, 2, 2, 1)});
  const Table want = {
      "0:2 1:2",      // prefills by prompt length: 0 (2) whole, then a chunk of 1 (3)
      "1:1 0:1",      // 1's last prompt token (a prefill) before 0's decode (deadline 3.5 - 1 > 2 iterations)
      "2:2 0:1 1:1",  // new prompt 2 first; decodes 0 and 1 (same deadline 4.5, arrival order)
      "0:1",
  };
  EXPECT_EQ(t, want);
}

TEST(IterationTableSlai, DecodeWithSlackIsDeferredAndAnUrgentOneIsNot) {
  const std::vector<RequestSpec> specs = {testing::Spec(0, 0, 1, 3), testing::Spec(1, 1, 2, 1)};
  Scheduler relaxed(Roomy(2, 16), MakePolicy("slai", {{"tbt_slo", "2.5"}}));
  // t=1: 0's deadline is 1 + 2.5, more than two 1 s iterations away: the prompt takes the whole budget.
  const Table want_relaxed = {"0:1", "1:2", "0:1", "0:1"};
  EXPECT_EQ(RunTable(relaxed, specs), want_relaxed);
  Scheduler tight(Roomy(2, 16), MakePolicy("slai", {{"tbt_slo", "1"}}));
  // TBT 1 s: the deadline is one iteration away every time: the decode goes first, the prompt is chunked
  // behind it.
  const Table want_tight = {"0:1", "0:1 1:1", "0:1 1:1"};
  EXPECT_EQ(RunTable(tight, specs), want_tight);
}

}  // namespace
}  // namespace schedkit::serve
