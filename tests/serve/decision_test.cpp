// The decision observer: one hand-built scenario per decision reason, asserting the exact decision sequence.
#include "schedkit/serve/decision.h"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "schedkit/serve/fcfs_policy.h"
#include "scheduler_test_util.h"

namespace schedkit::serve {
namespace {

using testing::Roomy;
using testing::Spec;

// Records decisions as "kind id [reason] n=tokens [for beneficiary] [finish reason]".
class Recorder : public DecisionObserver {
 public:
  void OnDecision(const Decision& d) override {
    std::string s = fmt::format("{} {}", DecisionKindName(d.kind), d.request);
    if (d.reason != DecisionReason::kNone) s += fmt::format(" {}", DecisionReasonName(d.reason));
    s += fmt::format(" n={}", d.num_tokens);
    if (d.beneficiary >= 0) s += fmt::format(" for {}", d.beneficiary);
    if (d.finish_reason != FinishReason::kNone) s += fmt::format(" {}", FinishReasonName(d.finish_reason));
    log.push_back(s);
  }
  std::vector<std::string> log;
};

using Log = std::vector<std::string>;

// Roomy() with `blocks` KV blocks of 16 tokens.
SchedulerConfig Blocks(int64_t blocks) {
  SchedulerConfig c = Roomy();
  c.num_kv_blocks = blocks;
  return c;
}

// Adds `specs` at time 0, then runs `iterations` unit-time iterations; returns the decisions.
Log Decide(Scheduler& s, const std::vector<RequestSpec>& specs, int iterations) {
  Recorder rec;
  s.set_decision_observer(&rec);
  for (const RequestSpec& spec : specs) s.AddRequest(spec, 0);
  for (int it = 0; it < iterations; ++it) {
    s.Schedule(it);
    s.UpdateFromOutput(it + 1);
  }
  s.set_decision_observer(nullptr);
  return rec.log;
}

TEST(Decisions, AdmitAndFinish) {
  Scheduler s(Roomy(), MakePolicy("vllm-v1"));
  EXPECT_EQ(Decide(s, {Spec(1, 0, 10, 2)}, 2), (Log{"admit 1 n=10", "finish 1 n=2 length"}));
}

TEST(Decisions, SkipForBatchCap) {
  Scheduler s(Roomy(0, /*max_seqs=*/1), MakePolicy("vllm-v1"));
  EXPECT_EQ(Decide(s, {Spec(1, 0, 10, 1), Spec(2, 0, 10, 1)}, 2),
            (Log{"admit 1 n=10", "skip 2 batch_cap n=10", "finish 1 n=1 length", "admit 2 n=10",
                 "finish 2 n=1 length"}));
}

TEST(Decisions, SkipForKv) {
  Scheduler s(Blocks(3), MakePolicy("vllm-v1"));
  EXPECT_EQ(Decide(s, {Spec(1, 0, 32, 1), Spec(2, 0, 20, 1)}, 1),
            (Log{"admit 1 n=32", "skip 2 kv n=20", "finish 1 n=1 length"}));
}

TEST(Decisions, SkipForWatermark) {
  SchedulerConfig c = Roomy();
  c.num_kv_blocks = 20;
  c.watermark_fraction = 0.05;  // 1 block
  Scheduler s(c, MakePolicy("sarathi"));
  // Request 1 reserves 18 blocks (its prompt); request 2 needs the last 2, one of which the watermark keeps.
  EXPECT_EQ(Decide(s, {Spec(1, 0, 288, 1), Spec(2, 0, 20, 1)}, 1),
            (Log{"admit 1 n=288", "skip 2 watermark n=20", "finish 1 n=1 length"}));
}

TEST(Decisions, SkipForBudget) {
  Scheduler chunked(Roomy(/*budget=*/8), MakePolicy("vllm-v1"));
  EXPECT_EQ(Decide(chunked, {Spec(1, 0, 8, 5), Spec(2, 0, 8, 5)}, 1),
            (Log{"admit 1 n=8", "skip 2 budget n=8"}));
  // vLLM v0's padded prefill cost: 2 x 12 > 20.
  Scheduler padded(Roomy(/*budget=*/20), MakePolicy("vllm"));
  EXPECT_EQ(Decide(padded, {Spec(1, 0, 10, 5), Spec(2, 0, 12, 5)}, 1),
            (Log{"admit 1 n=10", "skip 2 budget n=12"}));
}

// Refuses request 2 at admission (like a reservation test).
class RefuseTwo : public FcfsPolicy {
 public:
  RefuseTwo() : FcfsPolicy("refuse-two", MakePolicy("vllm-v1")->rules()) {}
  bool Admit(const Request& r, const EngineView&) override { return r.spec.id != 2; }
};

TEST(Decisions, SkipForPolicyAdmit) {
  Scheduler s(Roomy(), std::make_unique<RefuseTwo>());
  EXPECT_EQ(Decide(s, {Spec(1, 0, 10, 5), Spec(2, 0, 10, 5)}, 1),
            (Log{"admit 1 n=10", "skip 2 policy n=10"}));
}

TEST(Decisions, PreemptForGrowthThenNoAdmission) {
  Scheduler s(Blocks(4), MakePolicy("vllm-v1"));
  // Both fill two blocks; in iteration 2 request 1's next token needs a third: request 2 (last) gives way and
  // vLLM v1 admits nobody in that iteration.
  EXPECT_EQ(Decide(s, {Spec(1, 0, 32, 5), Spec(2, 0, 32, 5)}, 2),
            (Log{"admit 1 n=32", "admit 2 n=32", "preempt 2 kv n=32 for 1", "skip 2 kv n=33"}));
}

TEST(Decisions, StrictRankOrderAfterPreemption) {
  Scheduler s(Blocks(4), MakePolicy("sjf", {{"preempt_gain", "0"}, {"decodes_first", "false"}}));
  // Request 2 (longer output) is preempted for request 1's growth and does not come straight back.
  EXPECT_EQ(Decide(s, {Spec(1, 0, 32, 10), Spec(2, 0, 32, 20)}, 2),
            (Log{"admit 1 n=32", "admit 2 n=32", "preempt 2 kv n=32 for 1", "skip 2 policy n=33"}));
}

TEST(Decisions, PreemptOutranked) {
  Scheduler s(Blocks(6), MakePolicy("sjf", {{"preempt_gain", "0"}, {"decodes_first", "false"}}));
  Recorder rec;
  s.set_decision_observer(&rec);
  s.AddRequest(Spec(2, 0, 80, 16), 0);
  s.Schedule(0);
  s.UpdateFromOutput(1);
  s.AddRequest(Spec(1, 1, 32, 5), 1);  // shorter: outranks request 2, which leaves one block free
  s.Schedule(1);
  EXPECT_EQ(rec.log,
            (Log{"admit 2 n=80", "preempt 2 outranked n=80 for 1", "admit 1 n=32", "skip 2 policy n=81"}));
}

TEST(Decisions, SkipForPrefixChanged) {
  SchedulerConfig c = Roomy(/*budget=*/96);
  c.num_kv_blocks = 10;
  Scheduler s(c, MakePolicy("sjf", {{"preempt_gain", "0"},
                                    {"decodes_first", "false"}}));  // prefix caching on (incremental KV)
  Recorder rec;
  s.set_decision_observer(&rec);
  RequestSpec a = Spec(1, 0, 32, 1), b = Spec(2, 0, 159, 1), w = Spec(3, 1, 48, 10);
  a.prefix_hashes = {11, 12};
  w.prefix_hashes = {11, 12, 13};
  a.prefix_hash_block_tokens = w.prefix_hash_block_tokens = 16;
  s.AddRequest(a, 0);
  s.AddRequest(b, 0);
  s.Schedule(0);
  s.UpdateFromOutput(1);  // request 1 finishes: its 2 blocks stay cached
  s.AddRequest(w, 1);
  // Request 3 is peeked with a 2-block hit, then request 2's last chunk (ranked first) takes every block,
  // evicting the hit.
  s.Schedule(1);
  EXPECT_EQ(rec.log,
            (Log{"admit 1 n=32", "admit 2 n=64", "finish 1 n=1 length", "skip 3 prefix_changed n=1"}));
}

TEST(Decisions, Rejections) {
  SchedulerConfig c = Roomy();
  c.num_kv_blocks = 10;  // 160 tokens
  Scheduler s(c, MakePolicy("rpm", {{"rate_limit", "1"}}));
  Recorder rec;
  s.set_decision_observer(&rec);
  s.AddRequest(Spec(1, 0, 5000, 1, 0), 0);
  s.AddRequest(Spec(2, 0, 200, 1, 0), 0);
  s.AddRequest(Spec(3, 0, 10, 1, 0), 0);
  s.AddRequest(Spec(4, 0, 10, 1, 0), 0);  // over the client's rate limit
  EXPECT_EQ(rec.log, (Log{"reject 1 max_model_len n=0 rejected", "reject 2 too_large n=0 rejected",
                          "reject 4 refused n=0 rejected"}));
}

TEST(Decisions, Abort) {
  Scheduler s(Roomy(), MakePolicy("vllm-v1"));
  Recorder rec;
  s.set_decision_observer(&rec);
  s.AddRequest(Spec(1, 0, 10, 5), 0);
  s.Abort(1, 0);
  EXPECT_EQ(rec.log, (Log{"finish 1 n=0 aborted"}));
}

}  // namespace
}  // namespace schedkit::serve
