// Agentic program workloads: generator shapes, the simulator releasing a call only after its parents finish
// (plus its think time), program-level metrics; client and SLO-class assignment rules.
#include <gtest/gtest.h>

#include <map>

#include "schedkit/sim/programs.h"
#include "schedkit/sim/simulator.h"
#include "schedkit/sim/workload_assign.h"
#include "schedkit/util/error.h"
#include "sim_test_util.h"

namespace schedkit::sim {
namespace {

ProgramOptions Options(ProgramOptions::Shape shape) {
  ProgramOptions o;
  o.shape = shape;
  o.num_programs = 30;
  o.rate = 2.0;
  o.fan_width = 3;
  o.fan_stages = 2;
  o.think_time = 0.5;
  o.lengths = {{20, 5}, {50, 10}, {8, 3}};
  o.seed = 4;
  return o;
}

TEST(ProgramWorkload, FanOutProgramsHaveStagesOfParallelCallsAndJoins) {
  const auto programs = GeneratePrograms(Options(ProgramOptions::Shape::kFanOut));
  ASSERT_EQ(programs.size(), 30u);
  for (const Program& p : programs) {
    // root, then per stage 3 branches (parent: previous join) and a join (parents: the 3 branches).
    ASSERT_EQ(p.calls.size(), 1u + 2u * 4u);
    EXPECT_TRUE(p.calls[0].parents.empty());
    EXPECT_EQ(p.calls[0].arrival_time, p.arrival);
    for (int stage = 0; stage < 2; ++stage) {
      const size_t join = 4 * stage + 4, prev = 4 * stage;
      for (size_t b = join - 3; b < join; ++b) {
        EXPECT_EQ(p.calls[b].parents, std::vector<serve::RequestId>{p.calls[prev].id});
      }
      EXPECT_EQ(
          p.calls[join].parents,
          (std::vector<serve::RequestId>{p.calls[join - 3].id, p.calls[join - 2].id, p.calls[join - 1].id}));
    }
    for (const auto& c : p.calls) EXPECT_EQ(c.program, p.id);
  }
}

TEST(ProgramWorkload, ChainsAreSequentialAndDeterministic) {
  const auto a = GeneratePrograms(Options(ProgramOptions::Shape::kChain));
  const auto b = GeneratePrograms(Options(ProgramOptions::Shape::kChain));
  size_t calls = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].calls.size(), b[i].calls.size());
    for (size_t k = 1; k < a[i].calls.size(); ++k) {
      EXPECT_EQ(a[i].calls[k].parents, std::vector<serve::RequestId>{a[i].calls[k - 1].id});
      EXPECT_EQ(a[i].think[k], b[i].think[k]);
    }
    calls += a[i].calls.size();
  }
  EXPECT_GT(calls, a.size());  // mean 1 + 0.7 / 0.3 calls per program
}

TEST(ProgramWorkload, SimulatorReleasesACallOnlyAfterItsParentsFinish) {
  for (auto shape : {ProgramOptions::Shape::kChain, ProgramOptions::Shape::kFanOut}) {
    const auto programs = GeneratePrograms(Options(shape));
    SimulationConfig c;
    c.policy = "autellix-atlas";
    c.scheduler.num_kv_blocks = 2000;
    c.scheduler.max_model_len = 4096;
    auto source = MakeProgramSource(programs);
    testing::LinearModel model(0.01, 0.001);
    const SimulationResult r = Simulate(c, *source, model);
    std::map<serve::RequestId, const RequestRecord*> rec;
    for (const auto& x : r.records) rec[x.request_id] = &x;
    size_t n = 0;
    for (const Program& p : programs) {
      for (size_t k = 0; k < p.calls.size(); ++k) {
        const auto& call = p.calls[k];
        ASSERT_TRUE(rec.count(call.id)) << call.id;
        ++n;
        double parents_done = 0;
        for (auto parent : call.parents) {
          parents_done = std::max(parents_done, rec[parent]->arrived_at + rec[parent]->request_e2e_time);
        }
        if (!call.parents.empty()) {
          EXPECT_NEAR(rec[call.id]->arrived_at, parents_done + p.think[k], 1e-9) << "call " << call.id;
        }
      }
    }
    EXPECT_EQ(r.records.size(), n);
    const ProgramSummary s = SummarizePrograms(programs, r.records);
    EXPECT_EQ(s.num_programs, 30);
    EXPECT_GT(s.latency.mean, 0);
    EXPECT_GT(s.throughput, 0);
    // A program's latency covers its critical path: at least the sum of think times along a chain.
    if (shape == ProgramOptions::Shape::kChain) {
      for (size_t i = 0; i < programs.size(); ++i) {
        double think = 0;
        for (double t : programs[i].think) think += t;
        think -= programs[i].think[0];  // the root arrives with the program
        const auto& last = programs[i].calls.back();
        EXPECT_GE(rec[last.id]->arrived_at + rec[last.id]->request_e2e_time - programs[i].arrival,
                  think - 1e-9);
      }
    }
  }
}

TEST(WorkloadAssign, HeavyClientGetsKTimesTheOthersShare) {
  std::vector<serve::RequestSpec> reqs(20000);
  ClientAssignment rule = ParseClientAssignment("heavy:4,3", "--clients");
  AssignClients(reqs, rule);
  std::map<int, int> count;
  for (const auto& r : reqs) count[r.client]++;
  ASSERT_EQ(count.size(), 4u);
  // P(client 0) = 3 / 6 = 0.5, the others 1/6 each.
  EXPECT_NEAR(count[0] / 20000.0, 0.5, 0.02);
  EXPECT_NEAR(count[2] / 20000.0, 1.0 / 6.0, 0.02);
}

TEST(WorkloadAssign, SloClassesAndBadSpecs) {
  std::vector<serve::RequestSpec> reqs(1000);
  AssignSloClasses(reqs, ParseSloClasses("0.25:1:0.05,0.75:2:0.15", "--slo-classes"), 1);
  int tight = 0;
  for (const auto& r : reqs) {
    ASSERT_TRUE(r.tbt_slo.has_value());
    if (*r.tbt_slo == 0.05) {
      ++tight;
      EXPECT_EQ(r.priority, 0);
      EXPECT_EQ(*r.ttft_slo, 1.0);
    }
  }
  EXPECT_NEAR(tight / 1000.0, 0.25, 0.05);
  auto error_of = [](auto f) {
    try {
      f();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(error_of([] {
              ParseClientAssignment("pareto:3", "--clients");
            }).find("--clients pareto:3: unknown rule"),
            std::string::npos);
  EXPECT_NE(error_of([] { ParseSloClasses("0.5:1:0.1", "--slo-classes"); }).find("sum to 1"),
            std::string::npos);
  EXPECT_NE(error_of([] { ParseProgramShape("tree", "--programs"); }).find("valid: chain, fanout, mixed"),
            std::string::npos);
}

}  // namespace
}  // namespace schedkit::sim
