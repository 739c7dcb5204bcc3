// The engine-facing protocol: finish reasons, Abort() from every place a request can be, and the errors for
// protocol misuse (each leaves the scheduler usable).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scheduler_test_util.h"

namespace schedkit::serve {
namespace {

using testing::ErrorOf;
using testing::Roomy;
using testing::Spec;

bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(FinishReasons, LengthStopRejected) {
  Scheduler s(Roomy(), MakePolicy("vllm-v1"));
  s.AddRequest(Spec(1, 0, 10, 1), 0);
  s.AddRequest(Spec(2, 0, 10, 5), 0);
  const Request& big = s.AddRequest(Spec(3, 0, 5000, 1), 0);  // over max_model_len 4096
  EXPECT_EQ(big.state, RequestState::kRejected);
  EXPECT_EQ(big.finish_reason, FinishReason::kRejected);
  s.Schedule(0);
  const RequestId stop[] = {2};
  const IterationOutcome& out = s.UpdateFromOutput(1, stop);
  ASSERT_EQ(out.finished.size(), 2u);
  EXPECT_EQ(out.finished[0]->finish_reason, FinishReason::kLength);
  EXPECT_EQ(out.finished[1]->finish_reason, FinishReason::kStop);
  EXPECT_EQ(out.finished[1]->num_output_tokens, 1);
  EXPECT_FALSE(s.has_unfinished());
}

// Aborting the second of two waiting requests leaves the first to run alone, for every queue structure.
TEST(Abort, WaitingRequestLeavesEveryQueueStructure) {
  for (const char* policy :
       {"vllm", "vllm-v1", "sarathi", "orca", "sjf", "ltr", "vtc", "rpm", "autellix-plas"}) {
    SchedulerConfig c = Roomy();
    Scheduler s(c, MakePolicy(policy));
    RequestSpec a = Spec(1, 0, 10, 3, /*client=*/0), b = Spec(2, 0, 10, 2, /*client=*/1);
    a.program = 1;
    b.program = 2;
    s.AddRequest(a, 0);
    s.AddRequest(b, 0);
    const Request& r = s.Abort(2, 0);
    EXPECT_EQ(r.state, RequestState::kFinished) << policy;
    EXPECT_EQ(r.finish_reason, FinishReason::kAborted) << policy;
    EXPECT_EQ(s.num_waiting(), 1u) << policy;
    EXPECT_EQ(testing::Render(s.Schedule(0)), "1:10") << policy;
    s.UpdateFromOutput(1);
    EXPECT_EQ(s.num_waiting(), 0u) << policy;
  }
}

TEST(Abort, RunningRequestFreesItsKv) {
  Scheduler s(Roomy(), MakePolicy("vllm-v1"));
  s.AddRequest(Spec(1, 0, 40, 10), 0);
  s.Schedule(0);
  s.UpdateFromOutput(1);
  EXPECT_GT(s.kv_cache().num_used_blocks(), 0);
  EXPECT_EQ(s.Abort(1, 1.5).finish_time, 1.5);
  EXPECT_EQ(s.kv_cache().num_used_blocks(), 0);
  EXPECT_EQ(s.num_running(), 0u);
  EXPECT_FALSE(s.has_unfinished());
}

TEST(Abort, InFlightRequestIsSkippedByTheUpdate) {
  Scheduler s(Roomy(), MakePolicy("vllm-v1"));
  s.AddRequest(Spec(1, 0, 40, 10), 0);
  s.AddRequest(Spec(2, 0, 40, 1), 0);
  s.Schedule(0);
  s.Abort(1, 0.5);
  const IterationOutcome& out = s.UpdateFromOutput(1);
  ASSERT_EQ(out.tokens.size(), 1u);
  EXPECT_EQ(out.tokens[0].request->spec.id, 2);
  ASSERT_EQ(out.finished.size(), 1u);  // the aborted request is reported by Abort() only
  EXPECT_EQ(out.finished[0]->spec.id, 2);
  EXPECT_EQ(s.kv_cache().num_used_blocks(), 0);
}

TEST(Abort, SwappedRequestFreesItsCpuSpace) {
  SchedulerConfig c = Roomy();
  c.num_kv_blocks = 7;
  c.num_cpu_blocks = 10;
  Scheduler s(c, MakePolicy("vllm-v1", {{"preemption", "swap"}}));
  s.AddRequest(Spec(1, 0, 48, 16), 0);  // 3 blocks each, then a 4th for the first decode
  s.AddRequest(Spec(2, 0, 48, 16), 0);
  const Request* swapped = nullptr;
  for (int it = 0; it < 10 && swapped == nullptr; ++it) {
    for (const Request* r : s.Schedule(it).preempted) swapped = r;
    s.UpdateFromOutput(it + 1);
  }
  ASSERT_NE(swapped, nullptr);
  ASSERT_EQ(swapped->state, RequestState::kSwapped);
  EXPECT_LT(s.kv_cache().num_free_cpu_blocks(), 10);
  s.Abort(swapped->spec.id, 20);
  EXPECT_EQ(s.kv_cache().num_free_cpu_blocks(), 10);
  EXPECT_EQ(s.num_waiting(), 0u);
}

TEST(Abort, UnknownFinishedOrRejectedIdIsAnError) {
  Scheduler s(Roomy(), MakePolicy("vllm-v1"));
  EXPECT_TRUE(Contains(ErrorOf([&] { s.Abort(9, 0); }), "Abort: request 9 is not live"));
  s.AddRequest(Spec(1, 0, 10, 1), 0);
  s.AddRequest(Spec(2, 0, 5000, 1), 0);  // rejected
  s.Schedule(0);
  s.UpdateFromOutput(1);
  EXPECT_TRUE(Contains(ErrorOf([&] { s.Abort(1, 1); }), "Abort: request 1 is not live"));
  EXPECT_TRUE(Contains(ErrorOf([&] { s.Abort(2, 1); }), "Abort: request 2 is not live"));
  s.AddRequest(Spec(3, 1, 10, 1), 1);
  s.Abort(3, 1);
  EXPECT_TRUE(Contains(ErrorOf([&] { s.Abort(3, 1); }), "Abort: request 3 is not live"));
}

TEST(Protocol, UpdateNeedsASchedule) {
  Scheduler s(Roomy(), MakePolicy("vllm-v1"));
  EXPECT_TRUE(Contains(ErrorOf([&] { s.UpdateFromOutput(0); }), "UpdateFromOutput: no Schedule()"));
  s.AddRequest(Spec(1, 0, 10, 3), 0);
  s.Schedule(0);
  s.UpdateFromOutput(1);
  EXPECT_TRUE(Contains(ErrorOf([&] { s.UpdateFromOutput(2); }), "UpdateFromOutput: no Schedule()"));
}

TEST(Protocol, ScheduleNeedsTheUpdateOfANonEmptyBatch) {
  Scheduler s(Roomy(), MakePolicy("vllm-v1"));
  s.Schedule(0);  // empty: polling again is fine
  s.Schedule(0);
  s.AddRequest(Spec(1, 0, 10, 3), 0);
  EXPECT_EQ(testing::Render(s.Schedule(0)), "1:10");
  EXPECT_TRUE(Contains(ErrorOf([&] { s.Schedule(0.5); }), "Schedule: iteration 3 was not updated"));
  EXPECT_EQ(s.UpdateFromOutput(1).tokens.size(), 1u);  // the scheduler is still usable
  EXPECT_EQ(testing::Render(s.Schedule(1)), "1:1");
}

TEST(Protocol, StoppedMustNameARequestThatProducedAToken) {
  Scheduler s(Roomy(/*budget=*/8), MakePolicy("vllm-v1"));
  s.AddRequest(Spec(1, 0, 4, 3), 0);
  s.AddRequest(Spec(2, 0, 10, 3), 0);
  EXPECT_EQ(testing::Render(s.Schedule(0)), "1:4 2:4");
  const RequestId unknown[] = {7};
  EXPECT_TRUE(Contains(ErrorOf([&] { s.UpdateFromOutput(1, unknown); }),
                       "stopped request 7 is not in iteration 1's batch"));
  const RequestId chunk[] = {2};
  EXPECT_TRUE(
      Contains(ErrorOf([&] { s.UpdateFromOutput(1, chunk); }), "stopped request 2 produced no token"));
  const RequestId ok[] = {1};
  const IterationOutcome& out = s.UpdateFromOutput(1, ok);  // the failed calls changed nothing
  ASSERT_EQ(out.finished.size(), 1u);
  EXPECT_EQ(out.finished[0]->finish_reason, FinishReason::kStop);
}

TEST(Protocol, DuplicateLiveIdIsAnError) {
  Scheduler s(Roomy(), MakePolicy("vllm-v1"));
  s.AddRequest(Spec(1, 0, 10, 1), 0);
  EXPECT_TRUE(Contains(ErrorOf([&] { s.AddRequest(Spec(1, 0, 10, 1), 0); }),
                       "request 1: AddRequest with the id of a live request"));
  EXPECT_EQ(s.num_waiting(), 1u);
  s.Schedule(0);
  s.UpdateFromOutput(1);
  EXPECT_EQ(s.AddRequest(Spec(1, 1, 10, 1), 1).state, RequestState::kWaiting);  // finished: the id is free
  // A request the policy refuses by throwing (lcf needs a client id) never becomes live.
  Scheduler lcf(Roomy(), MakePolicy("lcf"));
  EXPECT_TRUE(Contains(ErrorOf([&] { lcf.AddRequest(Spec(5, 0, 10, 1), 0); }), "has no client id"));
  EXPECT_TRUE(Contains(ErrorOf([&] { lcf.Abort(5, 0); }), "Abort: request 5 is not live"));
  EXPECT_EQ(lcf.AddRequest(Spec(5, 0, 10, 1, /*client=*/0), 0).state, RequestState::kWaiting);
}

}  // namespace
}  // namespace schedkit::serve
