// Cost of ExecutionTimeModel::Predict (called once per simulated iteration; target < 200 ns) and of building
// a model. Run (the target is bench_<stem>):
//   ./build/release/bench/sim/bench_bench_execution_model --benchmark_repetitions=5
//       --benchmark_report_aggregates_only
#include "schedkit/sim/execution_model.h"

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

namespace schedkit::sim {
namespace {

// 256 varied batches of one kind, cycled through so that branch prediction cannot learn a single shape.
enum class Kind { kSarathiHybrid, kDecodeOnly, kVllmPrefill, kBeyondTables };

std::vector<BatchShape> MakeBatches(Kind kind) {
  std::mt19937_64 rng(42);
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::vector<BatchShape> out(256);
  for (auto& b : out) {
    switch (kind) {
      case Kind::kSarathiHybrid:  // decodes first, then one chunk filling a 512-token budget
        b.num_decodes = uni(1, 100);
        b.decode_context_sum = int64_t{b.num_decodes} * uni(100, 3500);
        b.prefills.push_back({512 - b.num_decodes, uni(0, 3000)});
        break;
      case Kind::kDecodeOnly:
        b.num_decodes = uni(1, 128);
        b.decode_context_sum = int64_t{b.num_decodes} * uni(100, 4000);
        break;
      case Kind::kVllmPrefill:  // several whole prompts, padded budget 4,096
        for (int i = 0, n = uni(1, 8); i < n; ++i) b.prefills.push_back({uni(16, 4096 / n), 0});
        break;
      case Kind::kBeyondTables:  // more tokens than the dense tables cover: computed from the curves
        b.prefills.push_back({uni(16385, 30000), uni(0, 8000)});
        b.num_decodes = uni(200, 400);
        b.decode_context_sum = int64_t{b.num_decodes} * uni(100, 20000);
        break;
    }
  }
  return out;
}

void BM_Predict(benchmark::State& state, const char* model, const char* gpu, int tp, Kind kind) {
  const auto m = MakeExecutionModel(FindModel(model), FindGpu(gpu), tp);
  const auto batches = MakeBatches(kind);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(m->Predict(batches[i++ & 255]));
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(BM_Predict, qwen2_a30_sarathi_hybrid, "Qwen2-7B", "a30", 1, Kind::kSarathiHybrid);
BENCHMARK_CAPTURE(BM_Predict, qwen2_a30_decode_only, "Qwen2-7B", "a30", 1, Kind::kDecodeOnly);
BENCHMARK_CAPTURE(BM_Predict, qwen2_a30_vllm_prefill, "Qwen2-7B", "a30", 1, Kind::kVllmPrefill);
BENCHMARK_CAPTURE(BM_Predict, llama2_7b_a100_sarathi_hybrid, "Llama-2-7B", "a100", 1, Kind::kSarathiHybrid);
BENCHMARK_CAPTURE(BM_Predict, llama2_70b_h100_tp8_sarathi_hybrid, "Llama-2-70B", "h100", 8,
                  Kind::kSarathiHybrid);
BENCHMARK_CAPTURE(BM_Predict, llama2_70b_h100_tp8_beyond_tables, "Llama-2-70B", "h100", 8,
                  Kind::kBeyondTables);
BENCHMARK_CAPTURE(BM_Predict, qwen2_a30_beyond_tables, "Qwen2-7B", "a30", 1, Kind::kBeyondTables);

void BM_Build(benchmark::State& state, const char* model, const char* gpu, int tp) {
  for (auto _ : state) benchmark::DoNotOptimize(MakeExecutionModel(FindModel(model), FindGpu(gpu), tp));
}
BENCHMARK_CAPTURE(BM_Build, qwen2_a30, "Qwen2-7B", "a30", 1)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Build, llama2_7b_a100, "Llama-2-7B", "a100", 1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace schedkit::sim

BENCHMARK_MAIN();
