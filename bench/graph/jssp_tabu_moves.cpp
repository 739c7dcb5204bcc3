// Tabu-search speed on ta21 (20 x 20): moves per CPU second at a fixed move budget (deterministic, seed 1),
// one trajectory (population 0) and TS/PR (population 10). Needs ../shared/data/jssp.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <filesystem>

#include "schedkit/graph/jssp_instance.h"
#include "schedkit/graph/jssp_rules.h"
#include "schedkit/graph/jssp_tabu.h"

namespace {

using namespace schedkit::graph;

void BM_TabuMoves(benchmark::State& state) {
  const std::string path = std::string(SCHEDKIT_SHARED_DIR) + "/data/jssp/instances/ta21.txt";
  if (!std::filesystem::exists(path)) {
    state.SkipWithError("../shared/data/jssp/instances/ta21.txt not found");
    return;
  }
  const JsspInstance inst = ReadJsspInstance(path);
  const JsspSchedule start = ScheduleByRule(inst, DispatchRule::kFddMwkr);
  TabuOptions o;
  o.time_limit_s = 1000;
  o.max_iterations = 200000;
  o.population = static_cast<int>(state.range(0));
  int64_t moves = 0, makespan = 0;
  for (auto _ : state) {
    const TabuResult r = TabuSearch(inst, start, o);
    moves += r.iterations;
    makespan = r.best.makespan;
  }
  state.counters["moves_per_s"] = benchmark::Counter(static_cast<double>(moves), benchmark::Counter::kIsRate);
  state.counters["makespan"] = static_cast<double>(makespan);
}
BENCHMARK(BM_TabuMoves)
    ->Arg(0)
    ->Arg(10)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(3)
    ->ReportAggregatesOnly();

}  // namespace

BENCHMARK_MAIN();
