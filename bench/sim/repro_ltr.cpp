// Reproduction: learning-to-rank scheduling (Fu et al. 2024) vs FCFS (vllm-v1) on the Azure conv trace.
// Paper: 2.8x lower latency in chatbot serving. Required direction: mean and p90 E2E lower than FCFS at high
// load, the gap shrinking as the ranker's Kendall tau falls, oracle SJF as the bound.
// Workload: the conv trace (first N requests, arrival times scaled to set the load), Llama-2-7B on A100 (the
// CLI default), batch cap 256 (the paper's max_num_seqs), token budget 2048 for every policy, 512 GiB of CPU
// swap (vLLM aborts when swap space runs out; the paper's runs had enough). The paper's chatbot runs (Fig. 3)
// have no starvation guard: the tau sweep runs with it off; `ltr oracle + guard` shows the 200/10 guard on.
// Rankers: oracle, noisy oracle at tau 0.8 / 0.55 / 0.3 / 0, the online learned ranker (prompt-length
// features only: the trace has no text).
// Part 2, the notes' CPU-simulation recipe (serving-policies.md 4(d)) on the paper's own dataset and model:
// ShareGPT lengths (sharegpt_val_10k_llama2.csv), Llama-3-8B / A100, token budget 768 (vLLM v0.4.1's
// chunked-prefill default, which the LTR code inherits), batch cap 256; Poisson arrivals at 0.6..1.2 x the
// saturation rate (FCFS throughput on a burst), and a burst of 2,000 requests at t = 0 (the paper's Table 1
// setting). Usage: bench_repro_ltr [N=4000]
#include <cmath>
#include <filesystem>

#include "repro_common.h"
#include "schedkit/serve/ranker.h"

using namespace repro;

namespace {

// Kendall tau of a ranker on the trace, in arrival order; the learned ranker observes each request's true
// length `lag` requests after scoring it (about the number in flight at this load), as it would online.
double RankerTau(const serve::RankerOptions& o, const std::vector<serve::RequestSpec>& trace, size_t lag) {
  auto ranker = serve::MakeRanker(o);
  std::vector<double> score, neg_len;
  for (size_t i = 0; i < trace.size(); ++i) {
    score.push_back(ranker->Score(trace[i]));
    neg_len.push_back(-trace[i].output_tokens);
    if (i >= lag) ranker->Observe(trace[i - lag], trace[i - lag].output_tokens);
  }
  return serve::KendallTau(score, neg_len);
}

struct LtrVariant {
  std::string label, policy;
  serve::PolicyOptions options;
};

sim::SimulationResult RunShareGpt(const Deployment& d, const LtrVariant& v,
                                  const std::vector<serve::RequestSpec>& reqs) {
  auto src = sim::MakeVectorSource(reqs);
  sim::SimulationConfig c = d.Config(v.policy, v.options, 512);
  c.scheduler.max_num_seqs = 256;
  c.scheduler.token_budget = 768;
  return sim::Simulate(c, *src, *d.exec);
}

std::vector<serve::RequestSpec> ShareGptRequests(const std::vector<std::pair<int32_t, int32_t>>& lengths,
                                                 double rate) {
  sim::SyntheticOptions so;
  so.rate = rate > 0 ? rate : 1.0;
  so.num_requests = static_cast<int64_t>(lengths.size());
  so.prompt.kind = so.output.kind = sim::LengthDistribution::Kind::kTrace;
  so.trace_lengths = lengths;
  so.seed = 11;
  if (rate <= 0) so.arrivals = sim::SyntheticOptions::Arrivals::kStatic;  // a burst at t = 0
  auto gen = sim::MakeSyntheticSource(so);
  std::vector<serve::RequestSpec> reqs;
  while (auto r = gen->Next()) reqs.push_back(*r);
  if (rate <= 0) {
    for (auto& r : reqs) r.arrival_time = 0;
  }
  return reqs;
}

void ShareGptPart() {
  const std::string path =
      std::string(SCHEDKIT_SHARED_DIR) + "/data/traces/sharegpt_lengths/sharegpt_val_10k_llama2.csv";
  if (!std::filesystem::exists(path)) {
    fmt::print("\npart 2 skipped: {} not found\n", path);
    return;
  }
  Deployment d = Deploy("Llama-3-8B", "a100");
  sim::TraceOptions to;
  to.format = sim::TraceFormat::kLengthsOnly;
  to.max_tokens = 4096;
  to.max_requests = 2000;
  const auto lengths = sim::ReadTraceLengths(path, to);
  const std::vector<LtrVariant> variants = {
      {"vllm-v1 (FCFS)", "vllm-v1", {}},
      {"sjf (oracle)", "sjf", {}},
      {"ltr tau=0.55", "ltr", {{"ranker", "noisy"}, {"tau", "0.55"}, {"starvation_threshold", "-1"}}},
      {"ltr learned", "ltr", {{"ranker", "learned"}, {"starvation_threshold", "-1"}}},
  };
  const auto burst = ShareGptRequests(lengths, 0);
  fmt::print(
      "\npart 2: ShareGPT lengths ({} requests), Llama-3-8B / A100, KV {} blocks, budget 768, cap 256\n",
      lengths.size(), d.kv_blocks);
  fmt::print("burst of {} at t = 0:\n  {:<18} {:>10} {:>10} {:>10} {:>12} {:>14}\n", burst.size(), "policy",
             "mean E2E", "p90 E2E", "FCFS/mean", "preemptions", "first 1000 done");
  double saturation = 0, fcfs_burst = 0;
  for (const LtrVariant& v : variants) {
    const sim::SimulationResult res = RunShareGpt(d, v, burst);
    std::vector<double> done;
    for (const auto& r : res.records) done.push_back(r.arrived_at + r.request_e2e_time);
    std::sort(done.begin(), done.end());
    if (v.policy == "vllm-v1") {
      fcfs_burst = res.summary.e2e.mean;
      saturation = static_cast<double>(burst.size()) / res.summary.makespan;
    }
    fmt::print("  {:<18} {:>9.2f}s {:>9.2f}s {:>9.2f}x {:>12} {:>13.1f}s\n", v.label, res.summary.e2e.mean,
               res.summary.e2e.p90, fcfs_burst / res.summary.e2e.mean, res.summary.num_preemptions,
               done.size() >= 1000 ? done[999] : 0.0);
  }
  fmt::print("saturation (FCFS burst throughput): {:.2f} req/s\n", saturation);
  fmt::print("Poisson arrivals:\n  {:>6} {:<18} {:>10} {:>10} {:>10} {:>10} {:>12}\n", "load", "policy",
             "mean E2E", "p90 E2E", "FCFS/mean", "FCFS/p90", "preemptions");
  for (double f : {0.6, 0.8, 0.9, 1.0, 1.1, 1.2}) {
    const auto reqs = ShareGptRequests(lengths, f * saturation);
    double fcfs_mean = 0, fcfs_p90 = 0;
    for (const LtrVariant& v : variants) {
      const sim::Summary s = RunShareGpt(d, v, reqs).summary;
      if (v.policy == "vllm-v1") fcfs_mean = s.e2e.mean, fcfs_p90 = s.e2e.p90;
      fmt::print("  {:>5.1f}x {:<18} {:>9.2f}s {:>9.2f}s {:>9.2f}x {:>9.2f}x {:>12}\n", f, v.label,
                 s.e2e.mean, s.e2e.p90, fcfs_mean / s.e2e.mean, fcfs_p90 / s.e2e.p90, s.num_preemptions);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t n = argc > 1 ? std::atoll(argv[1]) : 4000;
  Deployment d = Deploy("Llama-2-7B", "a100");
  sim::TraceOptions to;
  to.max_tokens = 4096;
  to.max_requests = n;
  const std::string path = ConvTracePath();
  const auto base = sim::ReadTrace(path, to);
  fmt::print(
      "LTR vs FCFS: {} ({} requests), Llama-2-7B / A100, KV {} blocks, batch cap 256, 512 GiB swap\n\n", path,
      base.size(), d.kv_blocks);

  struct Variant {
    std::string label, policy;
    serve::PolicyOptions options;
    serve::RankerOptions ranker;
  };
  std::vector<Variant> variants = {
      {"vllm-v1 (FCFS)", "vllm-v1", {}, {}},
      {"sjf (oracle, no guard)", "sjf", {}, {"oracle"}},
      {"ltr oracle", "ltr", {{"starvation_threshold", "-1"}}, {"oracle"}},
      {"ltr tau=0.8",
       "ltr",
       {{"ranker", "noisy"}, {"tau", "0.8"}, {"starvation_threshold", "-1"}},
       {"noisy", 0.8}},
      {"ltr tau=0.55",
       "ltr",
       {{"ranker", "noisy"}, {"tau", "0.55"}, {"starvation_threshold", "-1"}},
       {"noisy", 0.55}},
      {"ltr tau=0.3",
       "ltr",
       {{"ranker", "noisy"}, {"tau", "0.3"}, {"starvation_threshold", "-1"}},
       {"noisy", 0.3}},
      {"ltr tau=0",
       "ltr",
       {{"ranker", "noisy"}, {"tau", "0"}, {"starvation_threshold", "-1"}},
       {"noisy", 0.0}},
      {"ltr learned", "ltr", {{"ranker", "learned"}, {"starvation_threshold", "-1"}}, {"learned"}},
      {"ltr oracle + guard", "ltr", {}, {"oracle"}},
  };
  fmt::print("Kendall tau of each ranker's score against -(output length) on this trace:\n");
  for (const Variant& v : variants) {
    if (v.policy == "vllm-v1") continue;
    fmt::print("  {:<24} tau = {:+.3f}\n", v.label, RankerTau(v.ranker, base, 64));
  }
  for (double scale : {1.5, 1.3, 1.2, 1.1, 1.0, 0.8}) {
    std::vector<serve::RequestSpec> trace = base;
    for (auto& r : trace) r.arrival_time *= scale;
    const double rate = static_cast<double>(trace.size()) / std::max(1e-9, trace.back().arrival_time);
    fmt::print("\narrival rate {:.2f} req/s (time scale {}):\n", rate, scale);
    fmt::print("  {:<24} {:>10} {:>10} {:>10} {:>10} {:>12} {:>9}\n", "policy", "mean E2E", "p50 E2E",
               "p90 E2E", "FCFS/mean", "preemptions", "makespan");
    double fcfs_mean = 0;
    for (const Variant& v : variants) {
      auto src = sim::MakeVectorSource(trace);
      sim::SimulationConfig c = d.Config(v.policy, v.options, 512);
      c.scheduler.max_num_seqs = 256;
      const sim::Summary s = sim::Simulate(c, *src, *d.exec).summary;
      if (v.policy == "vllm-v1") fcfs_mean = s.e2e.mean;
      fmt::print("  {:<24} {:>9.2f}s {:>9.2f}s {:>9.2f}s {:>9.2f}x {:>12} {:>8.0f}s\n", v.label, s.e2e.mean,
                 s.e2e.p50, s.e2e.p90, fcfs_mean / s.e2e.mean, s.num_preemptions, s.makespan);
    }
  }
  ShareGptPart();
  return 0;
}
