// Reset/step environments (SoC and job shop) and the policy-gradient scheduler.
#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>

#include "schedkit/graph/jssp_env.h"
#include "schedkit/graph/jssp_policy.h"
#include "schedkit/graph/soc_env.h"
#include "schedkit/graph/soc_policy.h"
#include "schedkit/util/error.h"
#include "shared_data.h"

namespace schedkit::graph {
namespace {

using testing::SharedPath;

class GraphSocEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string d = SharedPath("data/dag/ds3/");
    SCHEDKIT_REQUIRE_SHARED(d + "soc/SoC.MULTIPLE_BAL.txt");
    soc_ = ReadDs3Soc(d + "soc/SoC.MULTIPLE_BAL.txt");
    for (const char* j :
         {"job_WIFI_5TXM.txt", "job_WIFI_5RXM.txt", "job_LAG.txt", "job_SCT.txt", "job_SCR.txt"}) {
      config_.apps.push_back(ReadDs3Job(d + "jobs/" + j));
    }
    config_.max_jobs = 40;
    config_.scale_us = 80;
  }
  Ds3Soc soc_;
  SocSimConfig config_;
};

TEST_F(GraphSocEnvTest, GreedyEarliestFinishThroughTheEnvironmentEqualsEtf) {
  SocPolicy etf_like;
  etf_like.weights = {0, 0, 0, 1, 0, 0, 0, 0};  // only the estimated finish
  for (std::uint64_t seed : {1, 2, 3}) {
    SocSimConfig c = config_;
    c.seed = seed;
    c.scheduler = SocScheduler::kEtf;
    EXPECT_DOUBLE_EQ(EvaluateSocPolicy(soc_, c, etf_like, seed), SimulateSoc(soc_, c).avg_job_time_us)
        << seed;
  }
}

TEST_F(GraphSocEnvTest, DeterministicForASeedAndRejectsBadActions) {
  SocEnv env(soc_, config_);
  auto run = [&](std::uint64_t seed) {
    std::vector<int64_t> times;
    SocObservation o = env.Reset(seed);
    double ret = 0;
    bool done = false;
    while (!done) {
      times.push_back(o.now_us);
      // Always the last ready task on its first capable PE.
      const int i = static_cast<int>(o.ready.size()) - 1;
      int p = 0;
      while (o.ready[i].exec_us[p] == kCannotRun) ++p;
      const SocStep s = env.Step(i, p);
      ret += s.reward;
      done = s.done;
      o = s.observation;
    }
    const SocSimResult r = env.Result();
    EXPECT_EQ(r.completed_jobs, 40);
    EXPECT_NEAR(-ret / 40.0, r.avg_job_time_us, 1e-9);  // the return is minus the total job latency
    return times;
  };
  EXPECT_EQ(run(5), run(5));
  EXPECT_NE(run(5), run(6));
  EXPECT_THROW(env.Step(0, 0), Error);  // after the end
  SocObservation o = env.Reset(1);
  EXPECT_THROW(env.Step(static_cast<int>(o.ready.size()), 0), Error);
  EXPECT_THROW(env.Step(0, env.num_pes()), Error);
  int incapable = -1;
  for (int p = 0; p < env.num_pes() && incapable < 0; ++p) {
    if (o.ready[0].exec_us[p] == kCannotRun) incapable = p;
  }
  ASSERT_GE(incapable, 0);
  EXPECT_THROW(env.Step(0, incapable), Error);
}

TEST_F(GraphSocEnvTest, PolicyGradientLearnsAndIsDeterministic) {
  PolicyTrainOptions o;
  o.iterations = 15;
  o.episodes_per_batch = 3;
  o.learning_rate = 0.2;
  o.seed = 9;
  SocSimConfig c = config_;
  c.max_jobs = 20;
  const PolicyTrainResult a = TrainSocPolicy(soc_, c, o);
  const PolicyTrainResult b = TrainSocPolicy(soc_, c, o);
  EXPECT_EQ(a.policy.weights, b.policy.weights);
  ASSERT_EQ(a.mean_job_time_per_iteration.size(), 15u);
  // From the uniform random policy (weights 0) the sampled mean job time must drop a lot.
  EXPECT_LT(a.mean_job_time_per_iteration.back(), 0.5 * a.mean_job_time_per_iteration.front());
  const double learned = EvaluateSocPolicy(soc_, c, a.policy, 77);
  EXPECT_GT(learned, 0);
  EXPECT_LT(learned, EvaluateSocPolicy(soc_, c, SocPolicy{}, 77));
}

TEST(GraphJsspEnv, EpisodeBuildsAValidScheduleAndReturnsMinusTheMakespan) {
  const JsspInstance inst = RandomJsspInstance(6, 4, 3);
  JsspEnv env(inst);
  JsspObservation o = env.Reset();
  double ret = 0;
  bool done = false;
  int steps = 0;
  while (!done) {
    // Most work remaining first.
    int pick = o.schedulable_jobs.front();
    for (int j : o.schedulable_jobs) {
      if (o.work_left[j] > o.work_left[pick]) pick = j;
    }
    const JsspStep s = env.Step(pick);
    ret += s.reward;
    done = s.done;
    o = s.observation;
    ++steps;
  }
  EXPECT_EQ(steps, 24);
  EXPECT_TRUE(FindJsspViolations(inst, env.schedule()).empty());
  EXPECT_DOUBLE_EQ(-ret, static_cast<double>(env.schedule().makespan));
  EXPECT_GE(env.schedule().makespan, inst.TrivialLowerBound());
  EXPECT_THROW(env.Step(0), Error);
  env.Reset();
  EXPECT_THROW(env.Step(6), Error);
  for (int k = 0; k < 4; ++k) env.Step(2);
  EXPECT_THROW(env.Step(2), Error);                        // job 2 has no operation left
  EXPECT_EQ(RandomJsspInstance(6, 4, 3).proc, inst.proc);  // same seed, same instance
}

TEST(GraphJsspPolicy, ReinforceLearnsADispatcherDeterministically) {
  JsspPolicyTrainOptions o;
  o.iterations = 40;
  o.episodes_per_batch = 6;
  o.jobs = 8;
  o.machines = 5;
  o.seed = 4;
  const JsspPolicyTrainResult a = TrainJsspPolicy(o);
  const JsspPolicyTrainResult b = TrainJsspPolicy(o);
  EXPECT_EQ(a.policy.weights, b.policy.weights);
  // On fresh instances the learned greedy dispatcher beats the untrained one (always the lowest job id)
  // on average, and its schedules are valid (EvaluateJsspPolicy validates them).
  double learned = 0, untrained = 0;
  for (std::uint64_t s = 100; s < 110; ++s) {
    const JsspInstance inst = RandomJsspInstance(8, 5, s);
    learned += static_cast<double>(EvaluateJsspPolicy(inst, a.policy));
    untrained += static_cast<double>(EvaluateJsspPolicy(inst, JsspPolicy{}));
  }
  EXPECT_LT(learned, 0.9 * untrained);
  o.episodes_per_batch = 1;
  EXPECT_THROW(TrainJsspPolicy(o), Error);
}

}  // namespace
}  // namespace schedkit::graph
