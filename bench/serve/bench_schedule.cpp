// schedule() cost with a deep queue: 10,000 waiting and about 1,000 running requests (batch cap 1,024, enough
// KV for all of them), per registered policy. Every request carries a client and a program id. Each benchmark
// iteration is one Schedule() call (timed) followed by the UpdateFromOutput() that completes it (not timed).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <string>

// Instruction counts: run under `valgrind --tool=callgrind --collect-atstart=no`; only the timed Schedule()
// calls are collected, and the number of them is printed at exit (Ir / calls = instructions per call).
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define SCHEDKIT_COLLECT() CALLGRIND_TOGGLE_COLLECT
#else
#define SCHEDKIT_COLLECT()
#endif

#include "schedkit/serve/policy_registry.h"
#include "schedkit/serve/scheduler.h"

namespace {

using namespace schedkit::serve;

int64_t g_timed_calls = 0;
struct PrintCalls {
  ~PrintCalls() {
    std::fprintf(stderr, "timed Schedule() calls: %lld\n", static_cast<long long>(g_timed_calls));
  }
} g_print_calls;

void BM_ScheduleWith(benchmark::State& state, const std::string& policy, const PolicyOptions& options) {
  SchedulerConfig c;
  c.num_kv_blocks = 8'000'000;
  c.block_size = 16;
  c.max_num_seqs = 1024;
  c.token_budget = 2048;
  c.max_model_len = 1 << 30;
  Scheduler s(c, MakePolicy(policy, options));
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
      spec.program = id % 64;                                 // autellix
      spec.output_tokens -= static_cast<int32_t>(id % 1000);  // distinct lengths for the ranked policies
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
    SCHEDKIT_COLLECT();
    const SchedulerOutput& out = s.Schedule(now);
    SCHEDKIT_COLLECT();
    ++g_timed_calls;
    benchmark::DoNotOptimize(out.scheduled.data());
    state.PauseTiming();
    now += 0.01;
    s.UpdateFromOutput(now);
    state.ResumeTiming();
  }
  state.counters["running"] = static_cast<double>(s.num_running());
  state.counters["waiting"] = static_cast<double>(s.num_waiting());
}

}  // namespace

// Every registered policy, with each option set it lists for benchmarks (the defaults when none):
// BM_Schedule/<label> for the defaults, BM_ScheduleWith/<label> for other options ('-' becomes '_').
int main(int argc, char** argv) {
  for (const PolicyInfo& info : RegisteredPolicies()) {
    for (const auto& [label, options] : BenchVariants(info)) {
      std::string name = (options.empty() ? "BM_Schedule/" : "BM_ScheduleWith/") + label;
      std::replace(name.begin(), name.end(), '-', '_');
      benchmark::RegisterBenchmark(name.c_str(), BM_ScheduleWith, info.name, options)
          ->Unit(benchmark::kMicrosecond);
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
