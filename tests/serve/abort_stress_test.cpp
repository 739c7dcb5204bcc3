// Random workloads with random aborts (waiting, preempted, swapped, running and in-flight requests) for every
// queue structure: the scheduler ends empty with all KV and swap space back, and never reports an aborted
// request again.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "scheduler_test_util.h"

namespace schedkit::serve {
namespace {

struct Case {
  std::string policy;
  PolicyOptions options;
};

class AbortStressTest : public ::testing::TestWithParam<Case> {};

TEST_P(AbortStressTest, RandomAbortsLeaveNothingBehind) {
  const Case& pc = GetParam();
  int aborted_running = 0, aborted_queued = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 rng(seed);
    auto uni = [&](int lo, int hi) {
      return static_cast<int>(lo + rng() % static_cast<uint64_t>(hi - lo + 1));
    };
    SchedulerConfig c;
    c.block_size = 16;
    c.num_kv_blocks = uni(40, 200);
    c.max_num_seqs = uni(2, 16);
    c.token_budget = uni(32, 256);
    c.max_model_len = 512;
    c.num_cpu_blocks = uni(0, 100);
    Scheduler s(c, MakePolicy(pc.policy, pc.options));
    std::vector<RequestId> live;
    std::set<RequestId> aborted;
    auto abort_some = [&](double now) {
      if (live.empty() || rng() % 4 != 0) return;
      const size_t k = rng() % live.size();
      const bool running = std::any_of(s.running().begin(), s.running().end(),
                                       [&](const Request* r) { return r->spec.id == live[k]; });
      ++(running ? aborted_running : aborted_queued);
      const Request& r = s.Abort(live[k], now);
      EXPECT_EQ(r.finish_reason, FinishReason::kAborted);
      aborted.insert(live[k]);
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(k));
    };
    double now = 0;
    for (int i = 0, it = 0; (i < 80 || s.has_unfinished()) && it < 20000; ++it) {
      for (int a = uni(0, 2); a > 0 && i < 80; --a, ++i) {
        RequestSpec spec = testing::Spec(i, now, uni(1, 300), uni(1, 100), i % 3);
        spec.program = i % 4;
        if (s.AddRequest(spec, now).state != RequestState::kRejected) live.push_back(i);
      }
      abort_some(now);
      const SchedulerOutput& out = s.Schedule(now);
      abort_some(now);  // in flight
      now += 1;
      if (out.empty()) continue;
      for (const TokenEvent& t : s.UpdateFromOutput(now).tokens) {
        EXPECT_FALSE(aborted.contains(t.request->spec.id)) << pc.policy << " seed " << seed;
        if (t.request->is_finished()) std::erase(live, t.request->spec.id);
      }
    }
    EXPECT_FALSE(s.has_unfinished()) << pc.policy << " seed " << seed;
    EXPECT_EQ(s.num_waiting(), 0u) << pc.policy << " seed " << seed;
    EXPECT_EQ(s.kv_cache().num_used_blocks(), 0) << pc.policy << " seed " << seed;
    EXPECT_EQ(s.kv_cache().num_free_cpu_blocks(), c.num_cpu_blocks) << pc.policy << " seed " << seed;
  }
  EXPECT_GT(aborted_running, 10) << pc.policy;
  EXPECT_GT(aborted_queued, 10) << pc.policy;
}

INSTANTIATE_TEST_SUITE_P(QueueStructures, AbortStressTest,
                         ::testing::Values(Case{"vllm", {}}, Case{"vllm-v1", {{"preemption", "swap"}}},
                                           Case{"sarathi", {{"preemption", "swap"}}}, Case{"orca", {}},
                                           Case{"fcfs-static", {}}, Case{"vtc", {}}, Case{"lcf", {}},
                                           Case{"rpm", {{"rate_limit", "1000"}}}, Case{"sjf", {}},
                                           Case{"srpt", {}}, Case{"priority", {}}, Case{"ltr", {}},
                                           Case{"autellix-plas", {}}, Case{"autellix-atlas", {}},
                                           Case{"mlfq", {}}, Case{"slai", {}}),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string name = info.param.policy;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace schedkit::serve
