// schedule() cost with a deep queue: 10,000 waiting and about 1,000 running requests (batch cap 1,024, enough
// KV for all of them), per policy. Each benchmark iteration is one Schedule() call (timed) followed by the
// UpdateFromOutput() that completes it (not timed).
#include <benchmark/benchmark.h>

#include "schedkit/serve/scheduler.h"

namespace {

using namespace schedkit::serve;

void BM_Schedule(benchmark::State& state, const char* policy) {
  SchedulerConfig c;
  c.num_kv_blocks = 8'000'000;
  c.block_size = 16;
  c.max_num_seqs = 1024;
  c.token_budget = 2048;
  c.max_model_len = 1 << 30;
  Scheduler s(c, MakePolicy(policy));
  double now = 0;
  RequestId id = 0;
  auto add = [&](int n) {
    for (int i = 0; i < n; ++i) {
      RequestSpec spec;
      spec.id = id++;
      spec.arrival_time = now;
      spec.prompt_tokens = 64;
      spec.output_tokens =
          50'000'000;  // nobody finishes during the benchmark (and it fits the KV cache alone)
      spec.client = static_cast<ClientId>(id % 16);
      s.AddRequest(spec, now);
    }
  };
  add(1024);
  for (int i = 0; i < 10'000 && (s.num_running() < 1024 || s.num_waiting() > 0); ++i) {  // admit, prefill
    s.Schedule(now);
    now += 0.01;
    s.UpdateFromOutput(now);
  }
  add(10'000);
  for (auto _ : state) {
    const SchedulerOutput& out = s.Schedule(now);
    benchmark::DoNotOptimize(out.scheduled.data());
    state.PauseTiming();
    now += 0.01;
    s.UpdateFromOutput(now);
    state.ResumeTiming();
  }
  state.counters["running"] = static_cast<double>(s.num_running());
  state.counters["waiting"] = static_cast<double>(s.num_waiting());
}

BENCHMARK_CAPTURE(BM_Schedule, vllm, "vllm")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Schedule, vllm_v1, "vllm-v1")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Schedule, sarathi, "sarathi")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Schedule, vtc, "vtc")->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
