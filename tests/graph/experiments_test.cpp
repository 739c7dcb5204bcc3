// The experiment loops the CLI runs (jssp_experiments.h, soc_experiments.h): each aggregate equals the mean
// of the single runs it is made of, and bad arguments are errors.
#include <gtest/gtest.h>

#include <cstdint>

#include "schedkit/graph/ds3_format.h"
#include "schedkit/graph/isbjssp.h"
#include "schedkit/graph/jssp_env.h"
#include "schedkit/graph/jssp_experiments.h"
#include "schedkit/graph/soc_experiments.h"
#include "shared_data.h"

namespace schedkit::graph {
namespace {

using testing::ErrorOf;
using testing::FromText;
using testing::SharedPath;

TEST(GraphExperiments, IsbjsspMeanOfTheSingleRuns) {
  // The blocking hand case of isbjssp_test.cpp: MWKR without shutdowns gives makespan 5.
  const JsspInstance hand = FromText("2 2\n0 2 1 3\n1 1 0 1\n");
  IsbjsspExperimentOptions o;
  o.rules = {DispatchRule::kMwkr};
  o.probabilities = {0.0};
  o.seeds = 2;
  IsbjsspExperimentResult r = RunIsbjsspExperiment({{hand, 0}}, o);
  EXPECT_FALSE(r.ratio);
  ASSERT_EQ(r.mean.size(), 1u);
  EXPECT_DOUBLE_EQ(r.mean[0][0], 5.0);
  r = RunIsbjsspExperiment({{hand, 4}}, o);
  EXPECT_TRUE(r.ratio);
  EXPECT_DOUBLE_EQ(r.mean[0][0], 1.25);

  const JsspInstance random = RandomJsspInstance(6, 4, 3);
  o.rules = {DispatchRule::kSpt, DispatchRule::kLpt};
  o.probabilities = {0.0, 0.1};
  o.seeds = 3;
  r = RunIsbjsspExperiment({{random, 0}}, o);
  ASSERT_EQ(r.mean.size(), 2u);
  for (size_t i = 0; i < o.rules.size(); ++i) {
    ASSERT_EQ(r.mean[i].size(), 2u);
    for (size_t j = 0; j < o.probabilities.size(); ++j) {
      double sum = 0;
      for (int s = 1; s <= o.seeds; ++s) {
        IsbjsspOptions run;
        run.rule = o.rules[i];
        run.shutdown_probability = o.probabilities[j];
        run.seed = static_cast<std::uint64_t>(s);
        sum += static_cast<double>(SimulateIsbjssp(random, run).makespan);
      }
      EXPECT_DOUBLE_EQ(r.mean[i][j], sum / o.seeds) << i << " " << j;
    }
  }
}

TEST(GraphExperiments, IsbjsspErrors) {
  IsbjsspExperimentOptions o;
  o.rules = {DispatchRule::kSpt};
  o.probabilities = {0.0};
  o.seeds = 0;
  const JsspInstance hand = FromText("2 2\n0 2 1 3\n1 1 0 1\n");
  EXPECT_EQ(ErrorOf([&] {
              RunIsbjsspExperiment({{hand, 0}}, o);
            }),
            "ISBJSSP experiment: seeds must be >= 1, got 0");
  o.seeds = 1;
  EXPECT_NE(ErrorOf([&] { RunIsbjsspExperiment({}, o); }), "");
}

TEST(GraphExperiments, SharedFamilyAndPolicyGaps) {
  const std::string dir = SharedPath("data/jssp");
  SCHEDKIT_REQUIRE_SHARED(dir + "/bounds.csv");
  const auto ft = ReadJsspFamily(dir, "ft");
  ASSERT_EQ(ft.size(), 3u);
  EXPECT_EQ(ft[0].instance.name, "ft06");
  EXPECT_EQ(ft[0].ub, 55);
  EXPECT_EQ(ErrorOf([&] { ReadJsspFamily(dir, "xx"); }), "no shared instance in family or class 'xx'");

  JsspBenchOptions b;
  b.data_dir = dir;
  b.family = "ft";
  b.rules = {DispatchRule::kSpt, DispatchRule::kFddMwkr};
  const auto rows = RunJsspBench(b);
  JsspPolicy policy;  // all-zero weights: a fixed tie-break
  const auto gaps = CompareJsspPolicyByClass(b, rows, policy);
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].size_class, "ft");
  EXPECT_EQ(gaps[0].instances, 3);
  double last = 0, learned = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    last += GapPercent(rows[i].rule_makespan.back(), rows[i].ub) / 3;
    learned += GapPercent(EvaluateJsspPolicy(ft[i].instance, policy), rows[i].ub) / 3;
  }
  EXPECT_NEAR(gaps[0].last_rule, last, 1e-9);
  EXPECT_NEAR(gaps[0].learned, learned, 1e-9);
  EXPECT_LE(gaps[0].best_rule, gaps[0].last_rule);
}

TEST(GraphExperiments, SocSweepAndPolicyComparison) {
  const std::string d = SharedPath("data/dag/gym_ds3/");
  SCHEDKIT_REQUIRE_SHARED(d + "DASH.SoC.Top.txt");
  const Ds3Soc soc = ReadDs3Soc(d + "DASH.SoC.Top.txt");
  SocSimConfig c;
  c.apps.push_back(ReadDs3Job(d + "job_Top.txt"));
  c.max_jobs = 20;
  const auto rows = SweepSoc(soc, c, {SocScheduler::kMet, SocScheduler::kEtf}, {50, 100});
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1].scheduler, SocScheduler::kMet);
  EXPECT_EQ(rows[1].scale_us, 100);
  SocSimConfig one = c;
  one.scheduler = SocScheduler::kMet;
  one.scale_us = 100;
  EXPECT_EQ(rows[1].result.avg_job_time_us, SimulateSoc(soc, one).avg_job_time_us);
  EXPECT_GT(rows[1].mean_utilisation, 0);

  const SocPolicy policy;
  const SocPolicyComparison cmp = CompareSocPolicy(soc, c, policy, 1);
  ASSERT_EQ(cmp.baselines.size(), 3u);
  EXPECT_EQ(cmp.baselines[0].first, SocScheduler::kEtf);
  one.scheduler = SocScheduler::kEtf;
  one.scale_us = c.scale_us;
  one.seed = 1000;
  EXPECT_DOUBLE_EQ(cmp.baselines[0].second, SimulateSoc(soc, one).avg_job_time_us);
  EXPECT_DOUBLE_EQ(cmp.learned, EvaluateSocPolicy(soc, c, policy, 1000));
  EXPECT_EQ(ErrorOf([&] { CompareSocPolicy(soc, c, policy, 0); }),
            "SoC policy comparison: episodes must be >= 1, got 0");
}

}  // namespace
}  // namespace schedkit::graph
