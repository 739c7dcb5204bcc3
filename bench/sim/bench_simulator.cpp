// Simulator speed against its targets, a bench program printing medians:
//  1. the full Azure 2023 conv trace (19,366 requests) at half its rate (time scale 2) on one replica,
//     Llama-2-7B on A100, sarathi and vllm: wall time per run (target <= 0.2 s);
//  2. synthetic requests with conv-like lognormal lengths, 10^4 / 10^5 / 10^6: wall time and peak RSS
//     (target: 10^6 in <= 30 s and <= 1 GiB, time growing linearly);
//  3. one `capacity` search on the bundled conv slice (target <= 60 s).
// Usage: bench_simulator [--quick]   (--quick: one repetition, 10^4 and 10^5 only)
#include <fmt/core.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <vector>

#include "schedkit/sim/capacity.h"
#include "schedkit/sim/execution_model.h"
#include "schedkit/sim/hardware.h"
#include "schedkit/sim/simulator.h"
#include "schedkit/sim/workload.h"

namespace {

using namespace schedkit;

double PeakRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

// CPU time of this process: on a shared machine it is steadier than wall time.
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

sim::SimulationConfig Config(const std::string& policy, int64_t kv_blocks) {
  sim::SimulationConfig c;
  c.policy = policy;
  c.scheduler.num_kv_blocks = kv_blocks;
  c.scheduler.block_size = 16;
  c.scheduler.max_num_seqs = 128;
  c.scheduler.max_model_len = 4096;
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const int reps = quick ? 1 : 5;
  const sim::ModelSpec& model = sim::FindModel("Llama-2-7B");
  const sim::GpuSpec& gpu = sim::FindGpu("a100");
  auto exec = sim::MakeExecutionModel(model, gpu, 1);
  const int64_t kv_blocks = sim::KvCapacityBlocks(model, gpu, 1, sim::KvBudget{});

  const std::string conv =
      std::string(SCHEDKIT_SHARED_DIR) + "/data/traces/azure_llm_2023/AzureLLMInferenceTrace_conv.csv";
  sim::TraceOptions to;
  to.time_scale = 2.0;
  to.max_tokens = 4096;
  const auto trace = sim::ReadTrace(conv, to);
  fmt::print(
      "1. full conv trace ({} requests, time scale 2), Llama-2-7B / A100, KV {} blocks, median of {}\n",
      trace.size(), kv_blocks, reps);
  for (const char* policy : {"sarathi", "vllm"}) {
    std::vector<double> walls, cpus;
    sim::Summary last;
    for (int i = 0; i < reps; ++i) {
      auto src = sim::MakeVectorSource(trace);
      const auto t0 = std::chrono::steady_clock::now();
      const double c0 = CpuSeconds();
      last = sim::Simulate(Config(policy, kv_blocks), *src, *exec).summary;
      cpus.push_back(CpuSeconds() - c0);
      walls.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    fmt::print(
        "   {:<8} wall {:.3f} s (min {:.3f}, max {:.3f}), CPU {:.3f} s; {} iterations, {:.2f} us CPU per "
        "iteration\n",
        policy, Median(walls), *std::min_element(walls.begin(), walls.end()),
        *std::max_element(walls.begin(), walls.end()), Median(cpus), last.num_iterations,
        1e6 * Median(cpus) / static_cast<double>(last.num_iterations));
  }

  fmt::print(
      "2. synthetic, Poisson 4 req/s, lognormal lengths like conv (prompt median 1020 sigma 0.75, output "
      "median "
      "129 sigma 0.9), sarathi\n");
  std::vector<int64_t> sizes = {10'000, 100'000};
  if (!quick) sizes.push_back(1'000'000);
  for (int64_t n : sizes) {
    sim::SyntheticOptions so;
    so.rate = 4.0;
    so.num_requests = n;
    so.prompt = {sim::LengthDistribution::Kind::kLognormal, 1020, 0.75, 1, 0};
    so.output = {sim::LengthDistribution::Kind::kLognormal, 129, 0.9, 1, 0};
    so.max_tokens = 4096;
    so.seed = 1;
    auto src = sim::MakeSyntheticSource(so);
    const double rss0 = PeakRssMiB();
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = CpuSeconds();
    const auto r = sim::Simulate(Config("sarathi", kv_blocks), *src, *exec);
    const double cpu = CpuSeconds() - c0;
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    fmt::print(
        "   n = {:>8}: wall {:7.3f} s, CPU {:7.3f} s ({:.2f} us per request), peak RSS {:.0f} MiB (before: "
        "{:.0f} MiB); finished {}, {} iterations, TTFT p50 {:.3f} s\n",
        n, wall, cpu, 1e6 * cpu / static_cast<double>(n), PeakRssMiB(), rss0, r.summary.num_finished,
        r.summary.num_iterations, r.summary.ttft.p50);
  }

  const std::string slice = std::string(SCHEDKIT_SOURCE_DIR) + "/data/traces/azure_conv_2023_first2000.csv";
  sim::TraceOptions so;
  so.max_tokens = 4096;
  std::vector<std::pair<int32_t, int32_t>> lengths;
  for (const auto& r : sim::ReadTrace(slice, so)) lengths.emplace_back(r.prompt_tokens, r.output_tokens);
  const auto t0 = std::chrono::steady_clock::now();
  const auto cap = sim::SearchCapacity(Config("sarathi", kv_blocks), lengths, *exec, sim::CapacityOptions{});
  fmt::print(
      "3. capacity search (sarathi, bundled conv slice of {} requests): {:.3f} req/s in {} runs, wall {:.2f} "
      "s\n",
      lengths.size(), cap.capacity, cap.runs.size(),
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return 0;
}
