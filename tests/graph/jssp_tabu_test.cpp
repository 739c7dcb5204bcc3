// Job shop: the incremental disjunctive graph against full recomputation, the CPU clock, TS/PR.
#include "schedkit/graph/jssp_tabu.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "schedkit/graph/jssp_disjunctive_graph.h"
#include "schedkit/graph/jssp_env.h"
#include "schedkit/graph/jssp_instance.h"
#include "schedkit/graph/jssp_rules.h"
#include "schedkit/util/error.h"
#include "shared_data.h"

namespace schedkit::graph {
namespace {

using testing::ErrorOf;
using testing::SharedPath;

// Heads, tails and makespan of `g` equal those of a graph built from scratch on the same orders.
void ExpectSameAsFullRecomputation(const JsspInstance& inst, const JsspGraph& g) {
  JsspGraph fresh(inst, g.orders());
  ASSERT_TRUE(fresh.Evaluate());
  ASSERT_EQ(g.makespan(), fresh.makespan());
  for (int o = 0; o < inst.num_ops(); ++o) {
    ASSERT_EQ(g.Head(o), fresh.Head(o)) << "head of " << o;
    ASSERT_EQ(g.Tail(o), fresh.Tail(o)) << "tail of " << o;
  }
  // The critical path is a chain of operations, each starting when the previous ends, from 0 to the makespan.
  std::vector<int> path;
  g.CriticalPath(path);
  ASSERT_FALSE(path.empty());
  EXPECT_EQ(g.Head(path.front()), 0);
  EXPECT_EQ(g.End(path.back()), g.makespan());
  for (size_t i = 1; i < path.size(); ++i) EXPECT_EQ(g.End(path[i - 1]), g.Head(path[i]));
}

TEST(GraphJsspDisjunctiveGraph, IncrementalUpdatesMatchAFullRecomputation) {
  std::mt19937_64 rng(5);
  int refused = 0, applied = 0;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const JsspInstance inst =
        RandomJsspInstance(5 + static_cast<int>(seed % 4), 4 + static_cast<int>(seed % 3), seed);
    const JsspSchedule start = ScheduleByRule(inst, DispatchRule::kSpt);
    JsspGraph g(inst, MachineOrders(inst, start));
    ASSERT_TRUE(g.Evaluate());
    EXPECT_EQ(g.makespan(), start.makespan);
    EXPECT_EQ(g.Schedule().start, start.start);
    for (int step = 0; step < 400; ++step) {
      // Any shift on any machine: some close a cycle and must be refused without changing anything.
      const int m = static_cast<int>(rng() % inst.num_machines);
      const int len = static_cast<int>(g.orders()[m].size());
      const int from = static_cast<int>(rng() % len), to = static_cast<int>(rng() % len);
      const auto before = g.orders();
      if (g.Move(m, from, to)) {
        ++applied;
      } else {
        ++refused;
        EXPECT_EQ(g.orders(), before);
        auto cyclic = before;
        auto& s = cyclic[m];
        const int op = s[from];
        s.erase(s.begin() + from);
        s.insert(s.begin() + to, op);
        EXPECT_FALSE(JsspGraph(inst, cyclic).Evaluate()) << "a move was refused although it has no cycle";
      }
      ExpectSameAsFullRecomputation(inst, g);
    }
  }
  EXPECT_GT(applied, 500);
  EXPECT_GT(refused, 10);  // the cycle path of the order repair was exercised
}

TEST(GraphJsspDisjunctiveGraph, RejectsOrdersThatAreNotPermutations) {
  const JsspInstance inst = RandomJsspInstance(3, 2, 1);
  auto orders = MachineOrders(inst, ScheduleByRule(inst, DispatchRule::kSpt));
  auto dup = orders;
  dup[0][1] = dup[0][0];
  EXPECT_THROW(JsspGraph(inst, dup), Error);
  auto missing = orders;
  missing[1].pop_back();
  EXPECT_THROW(JsspGraph(inst, missing), Error);
  orders.pop_back();
  EXPECT_THROW(JsspGraph(inst, orders), Error);
}

TEST(GraphJsspTabuClock, CpuClockStopsTheRunAndSaysSo) {
  const JsspInstance inst = RandomJsspInstance(15, 10, 3);
  const JsspSchedule start = ScheduleByRule(inst, DispatchRule::kFddMwkr);
  for (TabuClock c : {TabuClock::kCpu, TabuClock::kWall}) {
    TabuOptions o;
    o.time_limit_s = 0.05;
    o.clock = c;
    const TabuResult r = TabuSearch(inst, start, o);
    ASSERT_EQ(r.stopped_by, TabuClockName(c) + " time limit");
    EXPECT_GE(c == TabuClock::kCpu ? r.cpu_seconds : r.seconds, 0.05);
    EXPECT_LT(r.cpu_seconds, 5.0);
    EXPECT_GT(r.iterations, 0);
    EXPECT_TRUE(FindJsspViolations(inst, r.best).empty());
  }
  EXPECT_EQ(ParseTabuClock("cpu"), TabuClock::kCpu);
  EXPECT_EQ(ParseTabuClock("wall"), TabuClock::kWall);
  EXPECT_EQ(ErrorOf([] { ParseTabuClock("gpu"); }), "clock: unknown value 'gpu' (valid: wall, cpu)");
}

TEST(GraphJsspTabu, RejectsABadPopulationOrStall) {
  const JsspInstance inst = RandomJsspInstance(3, 3, 2);
  const JsspSchedule s = ScheduleByRule(inst, DispatchRule::kLpt);
  TabuOptions o;
  o.population = -1;
  EXPECT_EQ(ErrorOf([&] { TabuSearch(inst, s, o); }), "the population must be >= 0, got -1");
  o.population = 2;
  o.stall_iterations = -5;
  EXPECT_EQ(ErrorOf([&] { TabuSearch(inst, s, o); }), "the stall limit must be >= 0, got -5");
  o.stall_iterations = 0;
  o.time_limit_s = -0.5;
  o.clock = TabuClock::kCpu;
  EXPECT_EQ(ErrorOf([&] { TabuSearch(inst, s, o); }), "the time limit must be > 0 s, got -0.5");
}

TEST(GraphJsspTabu, RejectsBadTenureFactors) {
  const JsspInstance inst = RandomJsspInstance(3, 3, 2);
  const JsspSchedule s = ScheduleByRule(inst, DispatchRule::kLpt);
  TabuOptions o;
  o.tenure_min_factor = 0;
  EXPECT_EQ(ErrorOf([&] { TabuSearch(inst, s, o); }),
            "the tenure factors must satisfy 0 < min <= max, got 0 and 1");
  o.tenure_min_factor = 1.5;
  o.tenure_max_factor = 1.2;
  EXPECT_EQ(ErrorOf([&] { TabuSearch(inst, s, o); }),
            "the tenure factors must satisfy 0 < min <= max, got 1.5 and 1.2");
}

TEST(GraphJsspPathRelinking, DeterministicForASeedAndValid) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const JsspInstance inst = RandomJsspInstance(8 + static_cast<int>(seed), 5, seed);
    const JsspSchedule start = ScheduleByRule(inst, DispatchRule::kMwkr);
    TabuOptions o;
    o.population = 4;
    o.stall_iterations = 300;  // short walks, so the pool is filled and relinked many times
    o.max_iterations = 8000;
    o.seed = seed;
    const TabuResult a = TabuSearch(inst, start, o);
    const TabuResult b = TabuSearch(inst, start, o);
    EXPECT_EQ(a.best.start, b.best.start);
    EXPECT_EQ(a.iterations, b.iterations);
    EXPECT_EQ(a.restarts, b.restarts);
    if (a.stopped_by == "iteration limit") {
      EXPECT_GE(a.restarts, 8);  // pool of 4, then relinking rounds
    }
    const auto v = FindJsspViolations(inst, a.best);
    EXPECT_TRUE(v.empty()) << (v.empty() ? "" : v[0]);
    EXPECT_LE(a.best.makespan, start.makespan);
    EXPECT_GE(a.best.makespan, inst.TrivialLowerBound());
  }
}

TEST(GraphJsspTabu, AttributeNamesRoundTrip) {
  for (TabuAttribute a : {TabuAttribute::kArc, TabuAttribute::kPairs}) {
    EXPECT_EQ(ParseTabuAttribute(TabuAttributeName(a)), a);
  }
  EXPECT_EQ(ErrorOf([] { ParseTabuAttribute("arcs"); }),
            "tabu attribute: unknown value 'arcs' (valid: arc, pairs)");
}

// The two tabu attributes are two different searches, each deterministic for a seed.
TEST(GraphJsspTabu, AttributesAreDeterministicAndDiffer) {
  int differ = 0;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const JsspInstance inst = RandomJsspInstance(10, 6, seed);
    const JsspSchedule start = ScheduleByRule(inst, DispatchRule::kMwkr);
    TabuOptions o;
    o.population = 0;  // one trajectory: the attribute alone decides the path
    o.max_iterations = 3000;
    o.seed = seed;
    o.attribute = TabuAttribute::kArc;
    const TabuResult arc = TabuSearch(inst, start, o);
    EXPECT_EQ(TabuSearch(inst, start, o).best.start, arc.best.start);
    o.attribute = TabuAttribute::kPairs;
    const TabuResult pairs = TabuSearch(inst, start, o);
    EXPECT_EQ(TabuSearch(inst, start, o).best.start, pairs.best.start);
    for (const auto* r : {&arc, &pairs}) {
      EXPECT_TRUE(FindJsspViolations(inst, r->best).empty());
      EXPECT_LE(r->best.makespan, start.makespan);
    }
    differ += arc.best.start != pairs.best.start || arc.restarts != pairs.restarts;
  }
  EXPECT_GT(differ, 0);
}

TEST(GraphJsspPathRelinking, ReachesKnownOptimaFast) {
  const std::string dir = SharedPath("data/jssp/instances/");
  SCHEDKIT_REQUIRE_SHARED(dir + "ft06.txt");
  const struct {
    const char* name;
    int64_t optimum;
  } cases[] = {{"ft06", 55}, {"la16", 945}};
  for (const auto& c : cases) {
    for (TabuAttribute attr : {TabuAttribute::kArc, TabuAttribute::kPairs}) {
      const JsspInstance inst = ReadJsspInstance(dir + c.name + ".txt");
      TabuOptions o;
      o.attribute = attr;
      o.population = 10;
      o.max_iterations = 300000;
      o.time_limit_s = 60;
      o.lower_bound = c.optimum;
      const TabuResult r = TabuSearch(inst, ScheduleByRule(inst, DispatchRule::kFddMwkr), o);
      EXPECT_EQ(r.best.makespan, c.optimum) << c.name;
      EXPECT_EQ(r.stopped_by, "lower bound reached") << c.name;
      EXPECT_TRUE(FindJsspViolations(inst, r.best).empty()) << c.name;
    }
  }
}

}  // namespace
}  // namespace schedkit::graph
