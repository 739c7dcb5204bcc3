// Workload speed: parsing the full Azure 2023 conv trace (and the other shared traces), and generating
// synthetic requests (Poisson arrivals, lognormal lengths like the conv trace) at 10^4, 10^5 and 10^6
// requests. Run: build/release/bench/sim/bench_workload (medians of 5 repetitions).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include "schedkit/sim/workload.h"

namespace {

using schedkit::sim::LengthDistribution;

void ParseTrace(benchmark::State& state, const std::string& path) {
  if (!std::filesystem::exists(path)) {
    state.SkipWithError(("shared trace not found: " + path).c_str());
    return;
  }
  int64_t rows = 0;
  for (auto _ : state) {
    const auto requests = schedkit::sim::ReadTrace(path);
    rows = static_cast<int64_t>(requests.size());
    benchmark::DoNotOptimize(requests.data());
  }
  state.SetItemsProcessed(state.iterations() * rows);
  state.counters["rows"] = static_cast<double>(rows);
}

const std::string kTraces = std::string(SCHEDKIT_SHARED_DIR) + "/data/traces/";

void BM_ParseAzureConv(benchmark::State& state) {
  ParseTrace(state, kTraces + "azure_llm_2023/AzureLLMInferenceTrace_conv.csv");
}
void BM_ParseVidurConv(benchmark::State& state) {
  ParseTrace(state, kTraces + "vidur_processed/splitwise_conv.csv");
}
void BM_ParseMooncakeConversation(benchmark::State& state) {
  ParseTrace(state, kTraces + "mooncake_fast25/conversation_trace.jsonl");
}
void BM_ParseBundledSlice(benchmark::State& state) { ParseTrace(state, schedkit::sim::BundledTracePath()); }

void BM_SyntheticLognormal(benchmark::State& state) {
  schedkit::sim::SyntheticOptions options;
  options.num_requests = state.range(0);
  options.rate = 5.53;  // the conv trace's rate
  options.prompt.kind = LengthDistribution::Kind::kLognormal;
  // Lognormal fitted to the conv trace (FitLognormal; tests/sim/trace_shared_test.cpp).
  options.prompt.a = 760;
  options.prompt.b = 0.985;
  options.output.kind = LengthDistribution::Kind::kLognormal;
  options.output.a = 151.3;
  options.output.b = 0.859;
  options.max_tokens = 4096;
  options.seed = 1;
  for (auto _ : state) {
    auto source = schedkit::sim::MakeSyntheticSource(options);
    int64_t tokens = 0;
    while (auto request = source->Next()) tokens += request->prompt_tokens + request->output_tokens;
    benchmark::DoNotOptimize(tokens);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

BENCHMARK(BM_ParseAzureConv)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_ParseVidurConv)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_ParseMooncakeConversation)
    ->Unit(benchmark::kMillisecond)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);
BENCHMARK(BM_ParseBundledSlice)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_SyntheticLognormal)
    ->Arg(10000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);

}  // namespace

BENCHMARK_MAIN();
