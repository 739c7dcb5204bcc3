// Reproduction: Autellix (Luo et al. 2025) vs FCFS on multi-call programs. Paper: 4-15x program throughput at
// the same latency as vLLM. Here: for each policy, the largest program arrival rate whose average program
// latency per output token stays within 2x the unloaded value (measured with FCFS at a light load), found by
// a geometric sweep of the rate refined by bisection; the throughput ratio is that rate over FCFS's.
// Workloads (synthetic programs from real lengths: no shared trace has program ids): conv-trace call lengths,
// think time Exp(1 s) between dependent calls; chains of 1 + Geometric(0.3) calls (PLAS) and fan-out/fan-in
// DAGs (4 parallel calls x 2 stages + root, 11 calls; ATLAS). 300 programs per run, Llama-2-7B on A100,
// vllm-v1 as FCFS (recompute), Autellix with swap (32 GiB).
// Usage: bench_repro_autellix
#include <cmath>

#include "repro_common.h"
#include "schedkit/sim/programs.h"

using namespace repro;

namespace {

struct Point {
  double rate, latency_per_token, latency, throughput;
};

Point Run(const Deployment& d, const std::string& policy, sim::ProgramOptions po, double rate) {
  po.rate = rate;
  const auto programs = sim::GeneratePrograms(po);
  auto src = sim::MakeProgramSource(programs);
  sim::SimulationConfig c = d.Config(policy);
  const sim::SimulationResult r = sim::Simulate(c, *src, *d.exec);
  const sim::ProgramSummary s = sim::SummarizePrograms(programs, r.records);
  return {rate, s.latency_per_token.mean, s.latency.mean, s.throughput};
}

// Largest rate with mean latency per token <= target: doubling from `start`, then 8 bisection steps.
double MaxRate(const Deployment& d, const std::string& policy, const sim::ProgramOptions& po, double target,
               double start) {
  double ok = 0, bad = 0, rate = start;
  for (int i = 0; i < 12 && bad == 0; ++i, rate *= 2) {
    if (Run(d, policy, po, rate).latency_per_token <= target)
      ok = rate;
    else
      bad = rate;
  }
  if (bad == 0) return ok;
  if (ok == 0) ok = bad / 64;
  for (int i = 0; i < 8; ++i) {
    const double mid = std::sqrt(ok * bad);
    if (Run(d, policy, po, mid).latency_per_token <= target)
      ok = mid;
    else
      bad = mid;
  }
  return ok;
}

}  // namespace

int main() {
  Deployment d = Deploy("Llama-2-7B", "a100");
  sim::TraceOptions to;
  to.max_tokens = 4096;
  sim::ProgramOptions base;
  base.lengths = sim::ReadTraceLengths(ConvTracePath(), to);
  base.num_programs = 300;
  base.think_time = 1.0;
  base.fan_width = 4;
  base.fan_stages = 2;
  base.seed = 3;
  struct Case {
    const char* name;
    sim::ProgramOptions::Shape shape;
    const char* autellix;
  };
  for (const Case& cs :
       {Case{"chains (PLAS)", sim::ProgramOptions::Shape::kChain, "autellix-plas"},
        Case{"fan-out/fan-in DAGs (ATLAS)", sim::ProgramOptions::Shape::kFanOut, "autellix-atlas"}}) {
    sim::ProgramOptions po = base;
    po.shape = cs.shape;
    const Point light = Run(d, "vllm-v1", po, 0.01);
    const double target = 2 * light.latency_per_token;
    fmt::print(
        "{}: unloaded latency {:.2f} s per program, {:.4f} s per output token; target <= {:.4f} s/token\n",
        cs.name, light.latency, light.latency_per_token, target);
    fmt::print("  {:<16} {:>14} {:>16} {:>14} {:>12}\n", "policy", "max prog/s", "s/token there",
               "latency there", "vs FCFS");
    double fcfs = 0;
    for (const char* policy : {"vllm-v1", cs.autellix}) {
      const double rate = MaxRate(d, policy, po, target, 0.02);
      const Point at = Run(d, policy, po, rate);
      if (std::string(policy) == "vllm-v1") fcfs = rate;
      fmt::print("  {:<16} {:>14.4f} {:>16.4f} {:>13.2f}s {:>11.2f}x\n", policy, rate, at.latency_per_token,
                 at.latency, rate / fcfs);
    }
    fmt::print("  latency per token vs program rate:\n");
    for (double rate : {0.05, 0.1, 0.2, 0.4, 0.8}) {
      const Point f = Run(d, "vllm-v1", po, rate), a = Run(d, cs.autellix, po, rate);
      fmt::print("    {:>5.2f} prog/s: vllm-v1 {:.4f} s/token ({:.1f} s), {} {:.4f} s/token ({:.1f} s)\n",
                 rate, f.latency_per_token, f.latency, cs.autellix, a.latency_per_token, a.latency);
    }
    fmt::print("\n");
  }
  return 0;
}
