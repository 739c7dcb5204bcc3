// Property tests over random DAGs, STG optima, and the validator itself.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>

#include "schedkit/graph/ds3_format.h"
#include "schedkit/graph/list_scheduling.h"
#include "schedkit/graph/random_dag.h"
#include "schedkit/util/error.h"
#include "shared_data.h"

namespace schedkit::graph {
namespace {

constexpr DagAlgorithm kAll[] = {DagAlgorithm::kHeft, DagAlgorithm::kCpop, DagAlgorithm::kPeft,
                                 DagAlgorithm::kMet, DagAlgorithm::kEtf};

// Lower bound for any schedule: the longest path using each task's fastest cost and no communication.
double FastestCriticalPath(const Problem& p) {
  std::vector<double> finish(p.num_tasks(), 0.0);
  double best = 0.0;
  for (int t : TopologicalOrder(p.graph)) {
    double start = 0.0;
    for (const Arc& a : p.graph.preds[t]) start = std::max(start, finish[a.task]);
    double w = kCannotRun;
    for (int x = 0; x < p.num_procs(); ++x) w = std::min(w, p.Cost(t, x));
    finish[t] = start + w;
    best = std::max(best, finish[t]);
  }
  return best;
}

TEST(GraphRandomDags, EveryAlgorithmGivesAValidScheduleAboveTheLowerBound) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    RandomDagOptions o;
    o.num_tasks = 20 + static_cast<int>(seed % 7) * 10;
    o.num_procs = 1 + static_cast<int>(seed % 5);
    o.edges_per_task = 1.0 + static_cast<double>(seed % 4);
    o.incapable_fraction = (seed % 3) * 0.3;
    o.integer_times = seed % 2 == 0;
    o.seed = seed;
    const Problem p = RandomDagProblem(o);
    const double lb = FastestCriticalPath(p);
    for (auto a : kAll) {
      const DagSchedule s = ScheduleDag(p, a);
      const auto v = FindViolations(p, s);
      EXPECT_TRUE(v.empty()) << DagAlgorithmName(a) << " seed " << seed << ": " << (v.empty() ? "" : v[0]);
      EXPECT_GE(s.makespan, lb - 1e-9) << DagAlgorithmName(a) << " seed " << seed;
      // Determinism: same input, same schedule.
      const DagSchedule again = ScheduleDag(p, a);
      for (int t = 0; t < p.num_tasks(); ++t) {
        ASSERT_EQ(s.tasks[t].proc, again.tasks[t].proc);
        ASSERT_EQ(s.tasks[t].start, again.tasks[t].start);
      }
    }
  }
}

TEST(GraphRandomDags, OneProcessorRunsEverythingBackToBack) {
  RandomDagOptions o;
  o.num_tasks = 60;
  o.num_procs = 1;
  o.seed = 7;
  const Problem p = RandomDagProblem(o);
  double total = 0;
  for (int t = 0; t < p.num_tasks(); ++t) total += p.Cost(t, 0);
  for (auto a : kAll) EXPECT_DOUBLE_EQ(ScheduleDag(p, a).makespan, total) << DagAlgorithmName(a);
}

TEST(GraphValidator, CatchesEachKindOfViolation) {
  RandomDagOptions o;
  o.num_tasks = 30;
  o.num_procs = 3;
  o.incapable_fraction = 0.5;
  o.seed = 3;
  const Problem p = RandomDagProblem(o);
  const DagSchedule good = ScheduleHeft(p);
  ASSERT_TRUE(FindViolations(p, good).empty());
  EXPECT_NO_THROW(ValidateSchedule(p, good));

  // Precedence: move a task with a predecessor to time 0.
  int child = -1;
  for (int t = 0; t < p.num_tasks() && child < 0; ++t) {
    if (!p.graph.preds[t].empty()) child = t;
  }
  ASSERT_GE(child, 0);
  DagSchedule early = good;
  const double d = early.tasks[child].finish - early.tasks[child].start;
  early.tasks[child].start = 0;
  early.tasks[child].finish = d;
  EXPECT_FALSE(FindViolations(p, early).empty());
  EXPECT_THROW(ValidateSchedule(p, early), Error);

  // Capability: put a task on a processor that cannot run it.
  DagSchedule wrong = good;
  bool changed = false;
  for (int t = 0; t < p.num_tasks() && !changed; ++t) {
    for (int x = 0; x < p.num_procs(); ++x) {
      if (!p.CanRun(t, x)) {
        wrong.tasks[t].proc = x;
        changed = true;
        break;
      }
    }
  }
  ASSERT_TRUE(changed);
  EXPECT_FALSE(FindViolations(p, wrong).empty());

  // Overlap: two independent entry tasks forced onto the same processor at the same time.
  Problem two;
  two.graph.AddTask("a");
  two.graph.AddTask("b");
  two.proc_names = {"P0"};
  two.cost = {5, 5};
  two.bandwidth = {1};
  DagSchedule clash;
  clash.tasks = {{0, 0, 5}, {0, 3, 8}};
  clash.makespan = 8;
  const auto v = FindViolations(two, clash);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].find("overlap"), std::string::npos);

  // Wrong duration and unplaced task.
  DagSchedule shortd = clash;
  shortd.tasks[1] = {0, 5, 6};
  shortd.makespan = 6;
  EXPECT_FALSE(FindViolations(two, shortd).empty());
  DagSchedule unplaced = clash;
  unplaced.tasks[1].proc = -1;
  EXPECT_FALSE(FindViolations(two, unplaced).empty());
}

TEST(GraphStg, IdenticalProcessorsScheduleAtOrAboveTheCertifiedOptimum) {
  const std::string dir = testing::SharedPath("data/dag/stg");
  SCHEDKIT_REQUIRE_SHARED(dir + "/optimal_homogeneous.csv");
  std::ifstream csv(dir + "/optimal_homogeneous.csv");
  std::string line;
  std::getline(csv, line);  // header
  int rows = 0;
  while (std::getline(csv, line)) {
    std::stringstream ss(line);
    std::string name, field;
    std::getline(ss, name, ',');
    std::vector<double> v;
    while (std::getline(ss, field, ',')) v.push_back(std::stod(field));
    ASSERT_EQ(v.size(), 6u) << line;  // tasks, work, cp, opt2, opt4, opt8
    const int procs[] = {2, 4, 8};
    for (int k = 0; k < 3; ++k) {
      const Problem p = ReadStg(dir + "/" + name + ".stg", procs[k]);
      EXPECT_EQ(p.num_tasks(), static_cast<int>(v[0]) + 2);
      EXPECT_DOUBLE_EQ(FastestCriticalPath(p), v[2]) << name;
      for (auto a : kAll) {
        const DagSchedule s = ScheduleDag(p, a);
        EXPECT_TRUE(FindViolations(p, s).empty()) << name << " " << DagAlgorithmName(a);
        EXPECT_GE(s.makespan, v[3 + k]) << name << " p=" << procs[k] << " " << DagAlgorithmName(a);
        // A list schedule on identical processors is within 2 - 1/p of the optimum (Graham).
        EXPECT_LE(s.makespan, (2.0 - 1.0 / procs[k]) * v[3 + k]) << name << " " << DagAlgorithmName(a);
      }
    }
    ++rows;
  }
  EXPECT_EQ(rows, 5);
}

}  // namespace
}  // namespace schedkit::graph
