// The simulator on hand-computed scenarios, its invariants and its determinism.
#include "schedkit/sim/simulator.h"

#include <gtest/gtest.h>

#include <random>

#include "schedkit/sim/event_loop.h"
#include "schedkit/util/error.h"
#include "sim_test_util.h"

namespace schedkit::sim {
namespace {

using testing::LinearModel;
using testing::ListSource;
using testing::Spec;

SimulationConfig Config(const std::string& policy, int32_t budget) {
  SimulationConfig c;
  c.policy = policy;
  c.scheduler.num_kv_blocks = 1000;
  c.scheduler.block_size = 16;
  c.scheduler.token_budget = budget;
  c.scheduler.max_model_len = 4096;
  return c;
}

TEST(EventLoop, RunsEventsInTimeThenSchedulingOrder) {
  EventLoop loop;
  std::vector<int> order;
  loop.At(2.0, [&] { order.push_back(3); });
  loop.At(1.0, [&] { order.push_back(1); });
  loop.At(1.0, [&] {
    order.push_back(2);
    loop.After(0.5, [&] { order.push_back(25); });
  });
  loop.Run();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 25, 3}));
  EXPECT_DOUBLE_EQ(loop.Now(), 2.0);
  EXPECT_THROW(loop.At(1.0, [] {}), Error);
}

TEST(Simulator, HandComputedSarathiRun) {
  // Every iteration takes 1 s. Request 0 (prompt 10, 3 tokens) at t=0, request 1 (prompt 4, 2 tokens) at
  // t=0.5. Budget 8: [0,1] 0:8 | [1,2] 0:2 1:4 -> both first tokens at 2 | [2,3] 0:1 1:1 -> 1 done at 3 |
  // [3,4] 0:1.
  LinearModel model(1.0, 0.0);
  ListSource src({Spec(0, 0.0, 10, 3), Spec(1, 0.5, 4, 2)});
  const SimulationResult r = Simulate(Config("sarathi", 8), src, model);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_DOUBLE_EQ(r.records[0].prefill_e2e_time, 2.0);
  EXPECT_DOUBLE_EQ(r.records[0].request_e2e_time, 4.0);
  EXPECT_DOUBLE_EQ(r.records[1].prefill_e2e_time, 1.5);  // admitted at t=1, first token at 2
  EXPECT_DOUBLE_EQ(r.records[1].request_scheduling_delay, 0.5);
  EXPECT_DOUBLE_EQ(r.records[1].request_e2e_time, 2.5);
  EXPECT_DOUBLE_EQ(r.records[0].request_execution_time, 4.0);
  EXPECT_DOUBLE_EQ(r.records[0].decode_time_execution_plus_preemption_normalized, 2.0 / 3.0);
  EXPECT_EQ(r.summary.num_iterations, 4);
  EXPECT_DOUBLE_EQ(r.summary.makespan, 4.0);
  EXPECT_EQ(r.summary.tbt_per_token.count, 3);  // 2 gaps for request 0, 1 for request 1
  EXPECT_NEAR(r.summary.tbt_per_token.p50, 1.0, 1e-3);
}

TEST(Simulator, VllmStallsDecodesBehindANewPrefill) {
  // Iteration time = 0.1 + 0.01 per token. 0 (prompt 100, 3 tokens) at 0; 1 (prompt 300, 1 token) at 1.1.
  LinearModel model(0.1, 0.01);
  ListSource src({Spec(0, 0.0, 100, 3), Spec(1, 1.1, 300, 1)});
  const SimulationResult r = Simulate(Config("vllm", 4096), src, model);
  // [0,1.1] prefill 0 -> first token 1.1. 1 arrives at 1.1 (same instant as the iteration end): prefill-first
  // runs it alone [1.1,4.2]; then 0 decodes [4.2,4.31], [4.31,4.42]. Worst gap of request 0 = 3.1 + 0.11.
  EXPECT_NEAR(r.records[0].prefill_e2e_time, 1.1, 1e-12);
  EXPECT_NEAR(r.records[1].prefill_e2e_time, 3.1, 1e-12);
  EXPECT_NEAR(r.records[0].max_tbt, 3.21, 1e-12);
  EXPECT_NEAR(r.records[0].request_e2e_time, 4.42, 1e-12);
}

TEST(Simulator, RejectedRequestsAreReportedNotDropped) {
  LinearModel model(0.01, 0.0);
  SimulationConfig c = Config("sarathi", 512);
  c.scheduler.num_kv_blocks = 10;  // 160 tokens
  ListSource src({Spec(0, 0.0, 50, 5), Spec(1, 0.1, 500, 5), Spec(2, 0.2, 20, 5)});
  const SimulationResult r = Simulate(c, src, model);
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_FALSE(r.records[0].rejected);
  EXPECT_TRUE(r.records[1].rejected);
  EXPECT_FALSE(r.records[2].rejected);
  EXPECT_EQ(r.summary.num_rejected, 1);
  EXPECT_EQ(r.summary.num_finished, 2);
}

TEST(Simulator, OutOfOrderArrivalsAreAnError) {
  LinearModel model(0.01, 0.0);
  ListSource src({Spec(0, 1.0, 5, 5), Spec(1, 0.5, 5, 5)});
  EXPECT_THROW(Simulate(Config("sarathi", 512), src, model), Error);
}

std::vector<serve::RequestSpec> RandomWorkload(uint64_t seed, int n) {
  std::mt19937_64 rng(seed);
  std::vector<serve::RequestSpec> v;
  double t = 0;
  for (int i = 0; i < n; ++i) {
    t += static_cast<double>(rng() % 1000) / 5000.0;
    v.push_back(Spec(i, t, 1 + static_cast<int32_t>(rng() % 2000), 1 + static_cast<int32_t>(rng() % 300)));
  }
  return v;
}

TEST(Simulator, EveryPolicyFinishesEveryRequestAndIsDeterministic) {
  LinearModel model(0.005, 2e-5);
  for (const std::string policy : {"vllm", "vllm-v1", "sarathi", "orca", "fcfs-static", "vtc"}) {
    SimulationConfig c = Config(policy, 0);
    c.scheduler.num_kv_blocks = 2000;
    ListSource a(RandomWorkload(7, 400)), b(RandomWorkload(7, 400));
    const SimulationResult r1 = Simulate(c, a, model);
    const SimulationResult r2 = Simulate(c, b, model);
    EXPECT_EQ(r1.summary.num_finished, 400) << policy;
    ASSERT_EQ(r1.records.size(), r2.records.size());
    for (size_t i = 0; i < r1.records.size(); ++i) {
      EXPECT_EQ(r1.records[i].request_e2e_time, r2.records[i].request_e2e_time) << policy;
      EXPECT_GE(r1.records[i].prefill_e2e_time, r1.records[i].request_scheduling_delay) << policy;
      EXPECT_LE(r1.records[i].prefill_e2e_time, r1.records[i].request_e2e_time) << policy;
    }
  }
}

TEST(Simulator, RoutesAcrossReplicas) {
  LinearModel model(1.0, 0.0);
  SimulationConfig c = Config("sarathi", 512);
  c.num_replicas = 2;
  ListSource src({Spec(0, 0.0, 10, 2), Spec(1, 0.0, 10, 2)});
  const SimulationResult r = Simulate(c, src, model);
  EXPECT_EQ(r.records[0].replica, 0);
  EXPECT_EQ(r.records[1].replica, 1);
  EXPECT_DOUBLE_EQ(r.summary.makespan, 2.0);
}

}  // namespace
}  // namespace schedkit::sim

#include "schedkit/sim/capacity.h"

namespace schedkit::sim {
namespace {

TEST(Capacity, BracketsTheLargestRateThatMeetsTheSlo) {
  LinearModel model(0.01, 1e-4);
  SimulationConfig c = Config("sarathi", 512);
  std::vector<std::pair<int32_t, int32_t>> lengths;
  for (int i = 0; i < 300; ++i) lengths.emplace_back(200 + (i * 37) % 400, 20 + (i * 11) % 60);
  CapacityOptions o;
  o.slo.ttft_p90 = 0.5;
  o.slo.tbt_p99 = 0.2;
  o.tolerance = 0.02;
  const CapacityResult r = SearchCapacity(c, lengths, model, o);
  ASSERT_GT(r.capacity, 0);
  bool found_ok = false;
  double lowest_failure = 1e300;
  for (const auto& run : r.runs) {
    if (run.rate == r.capacity) found_ok = run.ok;
    if (!run.ok) lowest_failure = std::min(lowest_failure, run.rate);
  }
  EXPECT_TRUE(found_ok);
  EXPECT_LE((lowest_failure - r.capacity) / lowest_failure, 0.02);
  EXPECT_NE(r.bound_by.find("TTFT"), std::string::npos) << r.bound_by;
}

TEST(Capacity, ViolatedSloNamesTheBound) {
  Summary s;
  s.ttft.p90 = 3;
  EXPECT_NE(ViolatedSlo(s, CapacitySlo{}).find("P90 TTFT"), std::string::npos);
  s.ttft.p90 = 1;
  s.tbt_per_token.p99 = 0.3;
  EXPECT_NE(ViolatedSlo(s, CapacitySlo{}).find("P99 TBT"), std::string::npos);
  s.tbt_per_token.p99 = 0.1;
  EXPECT_EQ(ViolatedSlo(s, CapacitySlo{}), "");
}

}  // namespace
}  // namespace schedkit::sim
