// Hand-computed iteration tables: which request runs how many tokens in each iteration, per policy.
#include <gtest/gtest.h>

#include "scheduler_test_util.h"

namespace schedkit::serve {
namespace {

using testing::RunTable;
using testing::Spec;
using Table = std::vector<std::string>;

Scheduler Make(const std::string& policy, SchedulerConfig c, PolicyOptions o = {}) {
  return Scheduler(c, MakePolicy(policy, o));
}

using testing::Roomy;

TEST(IterationTable, SarathiDecodesFirstThenChunksThenNewPrompts) {
  SchedulerConfig c = Roomy();
  c.token_budget = 8;
  Scheduler s = Make("sarathi", c);
  // Request 0: prompt 10, 3 outputs; request 1 (t=1): prompt 5, 2 outputs.
  const Table t = RunTable(s, {Spec(0, 0, 10, 3), Spec(1, 1, 5, 2)});
  const Table want = {
      "0:8",      // t=0 chunk of 8 of 10
      "0:2 1:5",  // t=1 rest of 0's prompt (first token), 1 admitted with 5 (budget 8 - 2 = 6)
      "0:1 1:1",  // decodes: 0's second token, 1's second (last) token
      "0:1",      // 0's third token
  };
  EXPECT_EQ(t, want);
}

TEST(IterationTable, VllmPrefillFirstStallsDecodesAndUsesPaddedBudget) {
  SchedulerConfig c = Roomy();
  c.token_budget = 12;
  Scheduler s = Make("vllm", c);
  // Three prompts of 5 arrive at 0: padded budget 3 x 5 = 15 > 12, so two go first.
  const Table t = RunTable(s, {Spec(0, 0, 5, 3), Spec(1, 0, 5, 2), Spec(2, 0, 5, 2), Spec(3, 2, 4, 1)});
  const Table want = {
      "0:5 1:5",  // prefill-only batch (2 x 5 = 10 <= 12)
      "2:5",      // the third prompt still waiting: a prefill batch again, decodes stall
      "3:4",      // request 3 arrived at t=2: prefill first again (finishes: 1 output)
      "0:1 1:1 2:1", "0:1",
  };
  EXPECT_EQ(t, want);
}

TEST(IterationTable, VllmV1RunsRunningListThenWaitingUnderOneBudget) {
  SchedulerConfig c = Roomy();
  c.token_budget = 6;
  Scheduler s = Make("vllm-v1", c);
  const Table t = RunTable(s, {Spec(0, 0, 4, 2), Spec(1, 0, 9, 2)});
  const Table want = {
      "0:4 1:2",  // 0's whole prompt, 1's first chunk of 2
      "0:1 1:5",  // running list order: 0 decodes (finishes), 1 gets the rest of the budget
      "1:2",      // 1's last 2 prompt tokens -> first token
      "1:1",
  };
  EXPECT_EQ(t, want);
}

TEST(IterationTable, OrcaMixesDecodesWithWholePrompts) {
  SchedulerConfig c = Roomy();
  c.max_model_len = 32;
  Scheduler s = Make("orca", c);
  const Table t = RunTable(s, {Spec(0, 0, 20, 3), Spec(1, 1, 30, 1)});
  const Table want = {"0:20", "0:1 1:30", "0:1"};
  EXPECT_EQ(t, want);
}

TEST(IterationTable, OrcaBatchIsCappedByFullReservation) {
  SchedulerConfig c = Roomy();
  c.num_kv_blocks = 4;  // 64 tokens: room for two requests reserving 32 tokens each
  c.max_model_len = 32;
  Scheduler s = Make("orca", c);
  const Table t = RunTable(s, {Spec(0, 0, 4, 2), Spec(1, 0, 4, 2), Spec(2, 0, 4, 1)});
  const Table want = {"0:4 1:4", "0:1 1:1", "2:4"};
  EXPECT_EQ(t, want);
}

TEST(IterationTable, StaticBatchWaitsForTheWholeBatch) {
  SchedulerConfig c = Roomy();
  c.max_num_seqs = 2;
  Scheduler s = Make("fcfs-static", c);
  const Table t = RunTable(s, {Spec(0, 0, 3, 1), Spec(1, 0, 3, 3), Spec(2, 0, 3, 1)});
  // 2 waits although 0 finishes after the first iteration: the batch runs until 1 is done.
  const Table want = {"0:3 1:3", "1:1", "1:1", "2:3"};
  EXPECT_EQ(t, want);
}

TEST(IterationTable, SarathiPreemptsTheLatestArrivalByRecompute) {
  SchedulerConfig c;
  c.num_kv_blocks = 3;  // 12 tokens with blocks of 4
  c.block_size = 4;
  c.watermark_fraction = 0.0;
  c.token_budget = 16;
  Scheduler s = Make("sarathi", c);
  const Table t = RunTable(s, {Spec(0, 0, 4, 6), Spec(1, 0, 4, 2)});
  const Table want = {
      "0:4 1:4",  // one block each (1 free); both produce their first token
      "0:1",  // 0 takes the last free block for token 5; 1 cannot grow and is the latest arrival: restarted
      "0:1",  // 1 needs 2 blocks (prompt + 1 generated token) to come back, 1 is free: it waits
      "0:1",
      "0:1",  // 0's 9th token takes the block 1 released
      "0:1",  // 0 finishes (6 tokens) and frees 3 blocks
      "1:5",  // 1 recomputes prompt + its generated token and produces its last token
  };
  EXPECT_EQ(t, want);
}

}  // namespace
}  // namespace schedkit::serve
