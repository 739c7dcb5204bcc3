// The 10-task graph of Topcuoglu, Hariri & Wu (TPDS 2002), read from the DS3 files in ../shared.
#include <gtest/gtest.h>

#include "schedkit/graph/ds3_format.h"
#include "schedkit/graph/list_scheduling.h"
#include "shared_data.h"

namespace schedkit::graph {
namespace {

using testing::SharedPath;

class GraphTopcuoglu : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string job = SharedPath("data/dag/ds3/jobs/job_Top.txt");
    const std::string soc = SharedPath("data/dag/ds3/soc/SoC.Top.txt");
    SCHEDKIT_REQUIRE_SHARED(job);
    SCHEDKIT_REQUIRE_SHARED(soc);
    problem_ = MakeProblem(ReadDs3Job(job), ReadDs3Soc(soc));
  }
  Problem problem_;
};

TEST_F(GraphTopcuoglu, ReadsThePaperCostsAndEdgeWeights) {
  ASSERT_EQ(problem_.num_tasks(), 10);
  ASSERT_EQ(problem_.num_procs(), 3);
  EXPECT_EQ(problem_.graph.num_edges(), 15);
  EXPECT_DOUBLE_EQ(problem_.Cost(0, 0), 14);
  EXPECT_DOUBLE_EQ(problem_.Cost(0, 1), 16);
  EXPECT_DOUBLE_EQ(problem_.Cost(0, 2), 9);
  EXPECT_DOUBLE_EQ(problem_.Cost(9, 1), 7);
  // Edge n1 -> n2 has weight 18 between different processors, 0 on the same one.
  EXPECT_DOUBLE_EQ(problem_.CommTime(18, 0, 1), 18);
  EXPECT_DOUBLE_EQ(problem_.CommTime(18, 2, 2), 0);
}

TEST_F(GraphTopcuoglu, UpwardRanksMatchThePaper) {
  const std::vector<double> expected = {108, 77, 80, 80, 69, 63.333, 42.667, 35.667, 44.333, 14.667};
  const auto rank = UpwardRanks(problem_);
  for (int i = 0; i < 10; ++i) EXPECT_NEAR(rank[i], expected[i], 1e-3) << "n" << i + 1;
}

TEST_F(GraphTopcuoglu, HeftMakespanIs80) {
  const DagSchedule s = ScheduleHeft(problem_);
  EXPECT_TRUE(FindViolations(problem_, s).empty());
  EXPECT_DOUBLE_EQ(s.makespan, 80);
  // The paper's Fig. 4(a): n1 on P3 at [0, 9), n10 on P2 ending at 80.
  EXPECT_EQ(s.tasks[0].proc, 2);
  EXPECT_DOUBLE_EQ(s.tasks[0].finish, 9);
  EXPECT_EQ(s.tasks[9].proc, 1);
}

TEST_F(GraphTopcuoglu, CpopCriticalPathAndMakespan86) {
  const CpopInfo cp = CriticalPath(problem_);
  EXPECT_EQ(cp.critical_path, (std::vector<int>{0, 1, 8, 9}));
  EXPECT_NEAR(cp.length, 108, 1e-9);
  EXPECT_EQ(cp.proc, 1);  // P2
  const DagSchedule s = ScheduleCpop(problem_);
  EXPECT_TRUE(FindViolations(problem_, s).empty());
  EXPECT_DOUBLE_EQ(s.makespan, 86);
}

TEST_F(GraphTopcuoglu, PeftRanksAndMakespan85) {
  const std::vector<double> expected = {46.333, 29.667, 25.667, 31.0,   27.667,
                                        23.667, 14.667, 13.667, 14.333, 0};
  const auto rank = OctRanks(problem_);
  for (int i = 0; i < 10; ++i) EXPECT_NEAR(rank[i], expected[i], 1e-3) << "n" << i + 1;
  const DagSchedule s = SchedulePeft(problem_);
  EXPECT_TRUE(FindViolations(problem_, s).empty());
  EXPECT_DOUBLE_EQ(s.makespan, 85);
}

TEST_F(GraphTopcuoglu, MetAndEtfAreValid) {
  for (auto a : {DagAlgorithm::kMet, DagAlgorithm::kEtf}) {
    const DagSchedule s = ScheduleDag(problem_, a);
    EXPECT_TRUE(FindViolations(problem_, s).empty()) << DagAlgorithmName(a);
    EXPECT_GE(s.makespan, 73) << DagAlgorithmName(a);  // >= the critical path on the fastest processors
  }
}

}  // namespace
}  // namespace schedkit::graph
