// Goal: 100,000 WiFi-RX jobs through SoC.MULTIPLE_BAL with ETF in <= 10 s on one core (DS3 data from
// ../shared; the benchmark reports an error when it is absent). Also: the same stream through the table
// (CP) scheduler, and the offline table optimiser on WiFi-RX with its default budgets.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "schedkit/graph/soc_sim.h"
#include "schedkit/graph/soc_table.h"

namespace {

using namespace schedkit::graph;

void RunWifiRx(benchmark::State& state, SocScheduler scheduler) {
  const std::string d = std::string(SCHEDKIT_SHARED_DIR) + "/data/dag/ds3/";
  if (!std::filesystem::exists(d + "soc/SoC.MULTIPLE_BAL.txt")) {
    state.SkipWithError("shared DS3 data not found");
    return;
  }
  const Ds3Soc soc = ReadDs3Soc(d + "soc/SoC.MULTIPLE_BAL.txt");
  SocSimConfig c;
  c.apps = {ReadDs3Job(d + "jobs/job_WIFI_5RXM.txt")};
  c.max_jobs = 100000;
  c.scale_us = static_cast<double>(state.range(0));
  c.scheduler = scheduler;
  SocSimResult r;
  for (auto _ : state) {
    r = SimulateSoc(soc, c);
    benchmark::DoNotOptimize(r.avg_job_time_us);
  }
  state.counters["avg_job_us"] = r.avg_job_time_us;
  state.counters["jobs_per_ms"] = r.throughput_jobs_per_ms;
  state.counters["tasks"] = static_cast<double>(r.tasks_run);
}
void BM_WifiRxEtf(benchmark::State& state) { RunWifiRx(state, SocScheduler::kEtf); }
void BM_WifiRxTable(benchmark::State& state) { RunWifiRx(state, SocScheduler::kTable); }
BENCHMARK(BM_WifiRxEtf)->Arg(100)->Arg(500)->Unit(benchmark::kSecond)->Iterations(1)->Repetitions(3);
BENCHMARK(BM_WifiRxTable)->Arg(500)->Unit(benchmark::kSecond)->Iterations(1)->Repetitions(3);

void BM_OptimiseWifiRxTable(benchmark::State& state) {
  const std::string d = std::string(SCHEDKIT_SHARED_DIR) + "/data/dag/ds3/";
  if (!std::filesystem::exists(d + "soc/SoC.MULTIPLE_BAL.txt")) {
    state.SkipWithError("shared DS3 data not found");
    return;
  }
  const Problem p =
      MakeProblem(ReadDs3Job(d + "jobs/job_WIFI_5RXM.txt"), ReadDs3Soc(d + "soc/SoC.MULTIPLE_BAL.txt"));
  SocTableSearchResult r;
  for (auto _ : state) {
    r = OptimiseSocTable(p, SocTableSearchOptions{});
    benchmark::DoNotOptimize(r.makespan);
  }
  state.counters["makespan_us"] = static_cast<double>(r.makespan);
  state.counters["heft_us"] = static_cast<double>(r.heft_makespan);
}
BENCHMARK(BM_OptimiseWifiRxTable)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3);

}  // namespace

BENCHMARK_MAIN();
