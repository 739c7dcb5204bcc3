// Goal: HEFT on a random 10,000-task DAG (about 5 edges per task) over 16 processors in <= 1 s.
#include <benchmark/benchmark.h>

#include "schedkit/graph/list_scheduling.h"
#include "schedkit/graph/random_dag.h"

namespace {

using namespace schedkit::graph;

Problem BenchProblem(int tasks, double incapable) {
  RandomDagOptions o;
  o.num_tasks = tasks;
  o.num_procs = 16;
  o.edges_per_task = 5.0;
  o.max_span = 200;
  o.incapable_fraction = incapable;
  o.seed = 42;
  return RandomDagProblem(o);
}

void BM_Heft(benchmark::State& state) {
  const Problem p = BenchProblem(static_cast<int>(state.range(0)), 0.0);
  double makespan = 0;
  for (auto _ : state) {
    const DagSchedule s = ScheduleHeft(p);
    makespan = s.makespan;
    benchmark::DoNotOptimize(makespan);
  }
  state.counters["edges"] = p.graph.num_edges();
}
BENCHMARK(BM_Heft)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond)
    ->Repetitions(5)
    ->ReportAggregatesOnly();

void BM_Peft(benchmark::State& state) {
  const Problem p = BenchProblem(static_cast<int>(state.range(0)), 0.0);
  for (auto _ : state) benchmark::DoNotOptimize(SchedulePeft(p).makespan);
}
BENCHMARK(BM_Peft)->Arg(10000)->Unit(benchmark::kMillisecond)->Repetitions(3)->ReportAggregatesOnly();

}  // namespace

BENCHMARK_MAIN();
