// Job shop: reader, bounds, validator, dispatching rules, tabu search.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>

#include "schedkit/graph/jssp_bench.h"
#include "schedkit/graph/jssp_env.h"
#include "schedkit/graph/jssp_exact.h"
#include "schedkit/graph/jssp_instance.h"
#include "schedkit/graph/jssp_rules.h"
#include "schedkit/graph/jssp_tabu.h"
#include "schedkit/util/error.h"
#include "shared_data.h"

namespace schedkit::graph {
namespace {

using testing::ErrorOf;
using testing::FromText;
using testing::SharedPath;

// Two jobs, two machines: J0 = (M0,3)(M1,2), J1 = (M1,4)(M0,1). Optimum 5: J1 on M1 at 0..4 would delay
// J0's second op to 4..6, so M1 must run J0 first? Hand check below.
const char* kTiny = "2 2\n0 3 1 2\n1 4 0 1\n";

TEST(GraphJsspReader, ParsesAndComputesTheTrivialBound) {
  const JsspInstance inst = FromText(kTiny);
  EXPECT_EQ(inst.num_jobs, 2);
  EXPECT_EQ(inst.num_machines, 2);
  EXPECT_EQ(inst.machine[inst.Op(1, 0)], 1);
  EXPECT_EQ(inst.proc[inst.Op(1, 1)], 1);
  EXPECT_EQ(inst.TrivialLowerBound(), 6);  // machine 1 load 2 + 4, job 0 length 5
}

TEST(GraphJsspReader, RejectsMalformedInstancesWithFileAndLine) {
  EXPECT_EQ(ErrorOf([] { FromText("2 2\n0 3 1 2\n1 4 2 1\n"); }),
            "inst.txt:3: job 1 operation 1: machine index 2 out of range 0..1");
  EXPECT_EQ(ErrorOf([] { FromText("2 2\n0 3 1 2\n1 4 0\n"); }),
            "inst.txt:3: job 1 lists 3 numbers, expected 4 (2 machine/time pairs)");
  EXPECT_EQ(ErrorOf([] { FromText("2 2\n0 3 1 2\n"); }), "inst.txt: expected 2 job lines, found 1");
  EXPECT_EQ(ErrorOf([] { FromText("2 2\n0 3 1 x\n1 4 0 1\n"); }),
            "inst.txt:2: processing time: 'x' is not an integer");
  EXPECT_EQ(ErrorOf([] { FromText("2 2\n0 3 1 -2\n1 4 0 1\n"); }),
            "inst.txt:2: job 0 operation 1: negative processing time -2");
  // Sizes and times that do not fit the instance's types are errors, not wrapped values.
  EXPECT_EQ(ErrorOf([] { FromText("2 2\n0 3 1 2147483648\n1 4 0 1\n"); }),
            "inst.txt:2: job 0 operation 1: processing time 2147483648 exceeds 2147483647");
  EXPECT_EQ(ErrorOf([] { FromText("4294967296 4294967296\n"); }),
            "inst.txt:1: 4294967296 jobs x 4294967296 machines exceeds 10000000 operations");
  EXPECT_EQ(ErrorOf([] { FromText("99999999999999999999 2\n"); }),
            "inst.txt:1: number of jobs: '99999999999999999999' is out of the 64-bit integer range");
  EXPECT_EQ(ErrorOf([] { FromText("2\n"); }), "inst.txt:1: expected '<n_jobs> <n_machines>'");
  EXPECT_EQ(ErrorOf([] { FromText("1 1\n0 3\n0 3\n"); }),
            "inst.txt:3: unexpected data after the 1 job lines");
}

TEST(GraphJsspValidator, CatchesOrderAndOverlapViolations) {
  const JsspInstance inst = FromText(kTiny);
  JsspSchedule ok;
  ok.start = {0, 4, 0, 4};  // J0: M0 0..3, M1 4..6; J1: M1 0..4, M0 4..5
  ok.makespan = 6;
  EXPECT_TRUE(FindJsspViolations(inst, ok).empty());
  JsspSchedule order = ok;
  order.start[1] = 2;  // J0 op1 before op0 ends, and overlapping J1 on M1
  order.makespan = 5;
  EXPECT_EQ(FindJsspViolations(inst, order).size(), 2u);
  JsspSchedule span = ok;
  span.makespan = 5;
  EXPECT_THROW(ValidateJsspSchedule(inst, span), Error);
}

TEST(GraphJsspRules, GifflerThompsonByHand) {
  const JsspInstance inst = FromText(kTiny);
  // Step 1: earliest completion is J0 on M0 (3) -> M0 conflict set {J0}. Then J1 on M1 ends 4 (vs J0's
  // 3+2=5): M1 conflict {J0 (est 3), J1 (est 0)}. SPT picks J0's op (2) -> J1 on M1 at 5..9 -> 10.
  // LPT picks J1 (4) -> J0 on M1 at 4..6, J1 on M0 at 4..5 -> 6.
  const JsspSchedule spt = ScheduleByRule(inst, DispatchRule::kSpt);
  const JsspSchedule lpt = ScheduleByRule(inst, DispatchRule::kLpt);
  EXPECT_TRUE(FindJsspViolations(inst, spt).empty());
  EXPECT_TRUE(FindJsspViolations(inst, lpt).empty());
  EXPECT_EQ(spt.makespan, 10);
  EXPECT_EQ(lpt.makespan, 6);
}

TEST(GraphJsspRules, NamesParseAndUnknownOnesListTheValidOnes) {
  EXPECT_EQ(ParseDispatchRule("FDD/MWKR"), DispatchRule::kFddMwkr);
  EXPECT_EQ(ParseDispatchRule("mwkr"), DispatchRule::kMwkr);
  EXPECT_EQ(
      ErrorOf([] { ParseDispatchRule("edd"); }),
      "dispatching rule: unknown value 'edd' (valid: spt, lpt, mwkr, lwkr, mor, lor, fifo, fdd/mwkr, mopnr, "
      "fdd-mwkr, fddmwkr)");
}

TEST(GraphJsspRules, EveryRuleIsValidOnEverySharedInstance) {
  const std::string dir = SharedPath("data/jssp/instances");
  SCHEDKIT_REQUIRE_SHARED(dir);
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const JsspInstance inst = ReadJsspInstance(entry.path().string());
    if (inst.num_ops() > 400) continue;  // keep the test fast; the CLI bench covers the large ones
    for (auto rule : AllDispatchRules()) {
      const JsspSchedule s = ScheduleByRule(inst, rule);
      const auto v = FindJsspViolations(inst, s);
      ASSERT_TRUE(v.empty()) << inst.name << " " << DispatchRuleName(rule) << ": " << v[0];
      EXPECT_GE(s.makespan, inst.TrivialLowerBound());
    }
    ++count;
  }
  EXPECT_GT(count, 60);
}

TEST(GraphJsspBounds, ReadsTheSharedTable) {
  const std::string path = SharedPath("data/jssp/bounds.csv");
  SCHEDKIT_REQUIRE_SHARED(path);
  const auto b = ReadJsspBounds(path);
  EXPECT_EQ(b.size(), 218u);
  EXPECT_EQ(b.at("ft10").ub, 930);
  EXPECT_TRUE(b.at("ft10").optimal);
  EXPECT_EQ(b.at("abz8").ub, 667);
  EXPECT_GT(b.at("ta41").cpsat600_ub, b.at("ta41").ub - 1);
}

TEST(GraphJsspTabu, FindsTheFt06OptimumAndStopsAtTheBound) {
  const std::string path = SharedPath("data/jssp/instances/ft06.txt");
  SCHEDKIT_REQUIRE_SHARED(path);
  const JsspInstance inst = ReadJsspInstance(path);
  const JsspSchedule start = ScheduleByRule(inst, DispatchRule::kMwkr);
  TabuOptions o;
  o.time_limit_s = 10;
  o.max_iterations = 20000;
  o.lower_bound = 55;
  for (auto nb : {TabuNeighbourhood::kN5, TabuNeighbourhood::kN7}) {
    o.neighbourhood = nb;
    const TabuResult r = TabuSearch(inst, start, o);
    EXPECT_TRUE(FindJsspViolations(inst, r.best).empty());
    EXPECT_EQ(r.best.makespan, 55);
    EXPECT_EQ(r.stopped_by, "lower bound reached");
    EXPECT_EQ(r.initial_makespan, start.makespan);
  }
}

class GraphJsspTabuNeighbourhood : public ::testing::TestWithParam<TabuNeighbourhood> {};
INSTANTIATE_TEST_SUITE_P(GraphN5AndN7, GraphJsspTabuNeighbourhood,
                         ::testing::Values(TabuNeighbourhood::kN5, TabuNeighbourhood::kN7));

TEST_P(GraphJsspTabuNeighbourhood, DeterministicForASeedUnderAnIterationLimit) {
  const std::string path = SharedPath("data/jssp/instances/la16.txt");
  SCHEDKIT_REQUIRE_SHARED(path);
  const JsspInstance inst = ReadJsspInstance(path);
  const JsspSchedule start = ScheduleByRule(inst, DispatchRule::kFddMwkr);
  TabuOptions o;
  o.time_limit_s = 60;
  o.max_iterations = 3000;
  o.seed = 11;
  o.neighbourhood = GetParam();
  const TabuResult a = TabuSearch(inst, start, o);
  const TabuResult b = TabuSearch(inst, start, o);
  EXPECT_EQ(a.stopped_by == "iteration limit" || a.stopped_by == "lower bound reached", true) << a.stopped_by;
  EXPECT_EQ(a.best.start, b.best.start);
  EXPECT_EQ(a.iterations, b.iterations);
  EXPECT_LE(a.best.makespan, start.makespan);
  EXPECT_GE(a.best.makespan, 945);  // la16 optimum
  EXPECT_TRUE(FindJsspViolations(inst, a.best).empty());
}

TEST(GraphJsspTabu, ValidOnRandomInstancesAndNeverWorseThanTheStart) {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    const JsspInstance inst =
        RandomJsspInstance(4 + static_cast<int>(seed % 5), 3 + static_cast<int>(seed % 4), seed);
    const JsspSchedule start = ScheduleByRule(inst, AllDispatchRules()[seed % 8]);
    for (auto nb : {TabuNeighbourhood::kN5, TabuNeighbourhood::kN7}) {
      TabuOptions o;
      o.neighbourhood = nb;
      o.max_iterations = 3000;
      o.seed = seed;
      const TabuResult r = TabuSearch(inst, start, o);
      const auto v = FindJsspViolations(inst, r.best);
      EXPECT_TRUE(v.empty()) << inst.name << ": " << (v.empty() ? "" : v[0]);
      EXPECT_LE(r.best.makespan, start.makespan);
      EXPECT_GE(r.best.makespan, inst.TrivialLowerBound());
    }
  }
}

TEST(GraphJsspTabu, RejectsBadLimits) {
  const JsspInstance inst = FromText(kTiny);
  const JsspSchedule s = ScheduleByRule(inst, DispatchRule::kLpt);
  TabuOptions o;
  o.time_limit_s = 0;
  EXPECT_EQ(ErrorOf([&] { TabuSearch(inst, s, o); }), "the time limit must be > 0 s, got 0");
  o.time_limit_s = -1;
  EXPECT_THROW(TabuSearch(inst, s, o), Error);
  o.time_limit_s = 1;
  o.max_iterations = 0;
  EXPECT_THROW(TabuSearch(inst, s, o), Error);
  JsspSchedule bad = s;
  bad.start[1] = 0;
  o.max_iterations = 10;
  EXPECT_THROW(TabuSearch(inst, bad, o), Error);
}

TEST(GraphJsspTabu, ScheduleFromOrdersRejectsACycle) {
  const JsspInstance inst = FromText(kTiny);
  // M0: J1's op (3) before J0's op (0); M1: J0's op (1)... J1 op1 needs J1 op0 on M1 after J0 op1 which
  // needs J0 op0 on M0 after J1 op1: a cycle.
  EXPECT_THROW(ScheduleFromOrders(inst, {{3, 0}, {1, 2}}), Error);
  EXPECT_EQ(ScheduleFromOrders(inst, {{0, 3}, {2, 1}}).makespan, 6);
}

TEST(GraphJsspExact, GecodeProvesSmallOptima) {
  if (!GecodeAvailable()) GTEST_SKIP() << "built without Gecode (libgecode-dev not found at configure time)";
  const std::string dir = SharedPath("data/jssp/instances/");
  SCHEDKIT_REQUIRE_SHARED(dir + "ft06.txt");
  const struct {
    const char* name;
    int64_t optimum;
  } cases[] = {{"ft06", 55}, {"la01", 666}, {"la05", 593}};
  for (const auto& c : cases) {
    const JsspInstance inst = ReadJsspInstance(dir + c.name + ".txt");
    // Horizon a little above the optimum: the search must find the optimum and prove nothing is better.
    const JsspExactResult r = SolveJsspExact(inst, c.optimum + 20, 30);
    EXPECT_TRUE(r.proven) << c.name;
    EXPECT_EQ(r.best.makespan, c.optimum) << c.name;
    EXPECT_TRUE(FindJsspViolations(inst, r.best).empty()) << c.name;
    // With a horizon below the optimum the search proves that no schedule exists (when the optimum is
    // above the trivial bound; la01 and la05 meet it).
    if (c.optimum > inst.TrivialLowerBound()) {
      const JsspExactResult none = SolveJsspExact(inst, c.optimum - 1, 30);
      EXPECT_TRUE(none.best.start.empty() && none.proven) << c.name;
    }
  }
  const JsspInstance ft06 = ReadJsspInstance(dir + "ft06.txt");
  EXPECT_THROW(SolveJsspExact(ft06, 55, 0), Error);
  EXPECT_THROW(SolveJsspExact(ft06, 10, 1), Error);
}

// CI smoke pass of the gap-table bench: the ft family, all rules, tabu under an iteration limit.
TEST(GraphJsspBench, SmokePassOnTheFtFamily) {
  const std::string dir = SharedPath("data/jssp");
  SCHEDKIT_REQUIRE_SHARED(dir + "/bounds.csv");
  JsspBenchOptions o;
  o.data_dir = dir;
  o.family = "ft";
  o.rules = AllDispatchRules();
  o.tabu = true;
  o.tabu_options.time_limit_s = 30;
  o.tabu_options.max_iterations = 20000;
  const auto rows = RunJsspBench(o);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].instance, "ft06");
  for (const auto& r : rows) {
    int64_t best_rule = r.rule_makespan[0];
    for (int64_t m : r.rule_makespan) {
      EXPECT_GE(m, r.ub) << r.instance;
      best_rule = std::min(best_rule, m);
    }
    EXPECT_GE(r.tabu_makespan, r.ub) << r.instance;
    EXPECT_LE(r.tabu_makespan, best_rule) << r.instance;
  }
  EXPECT_EQ(rows[0].tabu_makespan, 55);
  EXPECT_EQ(rows[0].tabu_stopped_by, "lower bound reached");
  const std::string table = FormatJsspBench(o, rows);
  EXPECT_NE(table.find("| ft | 3 |"), std::string::npos);
  EXPECT_EQ(SizeClass("ta41", "ta"), "ta41-50");
  EXPECT_EQ(SizeClass("dmu07", "dmu"), "dmu01-10");
  EXPECT_EQ(ErrorOf([] { SizeClass("ta4x", "ta"); }),
            "number of instance 'ta4x' in family 'ta': '4x' is not an integer");
  o.family = "xyz";
  EXPECT_THROW(RunJsspBench(o), Error);
}

}  // namespace
}  // namespace schedkit::graph
