// CLI: `schedkit simulate` (trace-driven serving simulation, several policies side by side) and
// `schedkit capacity` (the largest request rate one replica holds under SLOs).
#include <fmt/core.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "schedkit/serve/policy.h"
#include "schedkit/sim/capacity.h"
#include "schedkit/sim/execution_model.h"
#include "schedkit/sim/hardware.h"
#include "schedkit/sim/programs.h"
#include "schedkit/sim/report.h"
#include "schedkit/sim/simulator.h"
#include "schedkit/sim/workload.h"
#include "schedkit/sim/workload_assign.h"
#include "schedkit/util/error.h"

namespace schedkit::cli {
namespace {

// Flags shared by simulate and capacity.
struct ServeFlags {
  std::string trace;
  std::string trace_format = "auto";
  double time_scale = 1.0;
  int64_t max_requests = 0;
  double window_start = 0, window_end = -1;
  int32_t max_tokens = 4096;
  int32_t max_model_len = -1;  // -1: = max_tokens
  std::string synthetic;       // "", poisson, gamma, static
  double rate = 1.0;
  double cv = 2.0;
  int64_t num_requests = 1000;
  std::string prompt_dist = "trace", output_dist = "trace";
  std::vector<std::string> policies;
  std::vector<std::string> policy_opts;
  std::string model = "Llama-2-7B", gpu = "a100";
  int tp = 1;
  int64_t kv_blocks = 0;
  int32_t block_size = 16;
  int32_t batch_cap = 128;
  int32_t token_budget = 0;
  double watermark = 0.01;
  double gpu_mem_util = 0.9;
  double activation_reserve_gib = 0.0;
  bool vidur_kv_rounding = false;
  double cpu_swap_gib = 0;
  std::string prefix_caching = "auto";  // on | off | auto (the policy's default)
  int32_t replicas = 1;
  std::string router = "round_robin";
  double ttft_slo = 2.0, tbt_slo = 0.2;
  uint64_t seed = 0;
  std::string profile_dir;
  bool no_progress = false;
  bool vidur_compat = false;
  std::string clients = "none";  // client assignment rule (workload_assign.h)
  std::string slo_classes;       // SLO classes assigned by share
  std::string programs;          // agentic program workload: chain | fanout | mixed | chatbot | lats
  int64_t num_programs = 200;
  double program_rate = 0.5;
  double think_time = 1.0;

  void Register(CLI::App* app, bool many_policies) {
    app->add_option("--trace", trace,
                    "Request trace: Azure 2023 CSV, Vidur CSV, Mooncake JSONL, BurstGPT CSV "
                    "(default: the bundled Azure conv slice)");
    app->add_option("--trace-format", trace_format, "auto|azure|vidur|mooncake|burstgpt|lengths");
    app->add_option("--time-scale", time_scale, "Multiply arrival times (2 = half the rate)")
        ->check(CLI::PositiveNumber);
    app->add_option("--max-requests", max_requests, "Use only the first N requests (0 = all)")
        ->check(CLI::NonNegativeNumber);
    app->add_option("--window-start", window_start, "Trace window start (s from the first request)")
        ->check(CLI::NonNegativeNumber);
    app->add_option("--window-end", window_end, "Trace window end (s, exclusive; default: end)");
    app->add_option("--max-tokens", max_tokens, "Truncate prompts so prompt + output <= N (Vidur; 0 = off)")
        ->check(CLI::NonNegativeNumber);
    app->add_option("--max-model-len", max_model_len,
                    "Largest prompt + output a replica accepts (default: --max-tokens); orca and fcfs-static "
                    "reserve this much KV per request");
    app->add_option("--synthetic", synthetic,
                    "Synthetic arrivals instead of the trace's: poisson|gamma|static");
    app->add_option("--rate", rate, "Synthetic arrival rate (req/s)")->check(CLI::PositiveNumber);
    app->add_option("--cv", cv, "Coefficient of variation of gamma inter-arrival gaps")
        ->check(CLI::PositiveNumber);
    app->add_option("--num-requests", num_requests, "Synthetic request count")->check(CLI::PositiveNumber);
    app->add_option("--prompt-dist", prompt_dist,
                    "Synthetic prompt lengths: trace | fixed:N | uniform:LO:HI | zipf:THETA:MAX | "
                    "lognormal:MEDIAN:SIGMA");
    app->add_option("--output-dist", output_dist, "Synthetic output lengths (same forms as --prompt-dist)");
    if (many_policies) {
      app->add_option("--policy", policies, "Policies to compare (repeat or comma-separate)")->delimiter(',');
    } else {
      app->add_option("--policy", policies, "Policy")->expected(1);
    }
    app->add_option("--policy-opt", policy_opts, "Policy option [policy:]key=value (repeatable)");
    app->add_option("--model", model, "Model (Llama-2-7B, Llama-3-8B, Llama-2-70B, Qwen2-7B)");
    app->add_option("--gpu", gpu, "GPU (a100, h100, a30)");
    app->add_option("--tp", tp, "Tensor-parallel degree")->check(CLI::PositiveNumber);
    app->add_option("--kv-blocks", kv_blocks, "KV capacity in blocks (default: derived from GPU memory)")
        ->check(CLI::PositiveNumber);
    app->add_option("--block-size", block_size, "Tokens per KV block")->check(CLI::PositiveNumber);
    app->add_option("--batch-cap", batch_cap, "Max requests holding KV per replica")
        ->check(CLI::PositiveNumber);
    app->add_option("--token-budget,--chunk-size", token_budget,
                    "Tokens per iteration (0 = policy default: vllm 4096, vllm-v1 2048, sarathi 512)")
        ->check(CLI::NonNegativeNumber);
    app->add_option("--watermark", watermark, "KV admission watermark fraction")
        ->check(CLI::Range(0.0, 0.99));
    app->add_option("--gpu-mem-util", gpu_mem_util, "GPU memory fraction for weights + KV")
        ->check(CLI::Range(0.01, 1.0));
    app->add_option("--activation-reserve-gib", activation_reserve_gib, "Memory kept for activations (GiB)")
        ->check(CLI::NonNegativeNumber);
    app->add_flag("--vidur-kv-rounding", vidur_kv_rounding,
                  "Round KV capacity down to whole --max-tokens requests, as Vidur's memory planner");
    app->add_option("--cpu-swap-gib", cpu_swap_gib, "CPU swap space for swap preemption (GiB)")
        ->check(CLI::NonNegativeNumber);
    app->add_option(
        "--prefix-caching", prefix_caching,
        "Automatic prefix caching: on | off | auto (auto: on for vllm-v1 and the ranked policies, "
        "off for vllm, sarathi, orca, fcfs-static, slai)");
    app->add_option("--replicas", replicas, "Replicas")->check(CLI::PositiveNumber);
    app->add_option("--router", router,
                    "Global router: round_robin|lor|random|autellix[:T] (Autellix: prompts > T (2048) tokens "
                    "stay on their program's engine)");
    app->add_option("--ttft-slo", ttft_slo, "Per-request TTFT SLO (s) for SLO attainment")
        ->check(CLI::PositiveNumber);
    app->add_option("--tbt-slo", tbt_slo, "Per-request worst TBT SLO (s) for SLO attainment")
        ->check(CLI::PositiveNumber);
    app->add_option("--seed", seed, "Random seed (synthetic workloads, random router, capacity arrivals)");
    app->add_option("--profile-dir", profile_dir, "Folder of Vidur-format profiles (default: bundled)");
    app->add_flag("--no-progress", no_progress, "No progress indicator on stderr");
    app->add_option("--clients", clients,
                    "Client ids for the requests: none | uniform:N | heavy:N,K (client 0 at K x the others' "
                    "rate) | zipf:N,S (synthetic workloads default to one client)");
    app->add_option("--slo-classes", slo_classes,
                    "Per-request SLO classes SHARE:TTFT:TBT[,...] (shares sum to 1; priority = class index)");
    app->add_option(
        "--programs", programs,
        "Agentic program workload instead of independent requests: chain | fanout | mixed (call "
        "lengths from the trace; a call arrives think time after its parents finish) | chatbot "
        "(chains whose turns carry the previous turns as prompt prefix) | lats (LATS tree search, "
        "~160 calls of ~467 new prompt and ~73 output tokens, history shared)");
    app->add_option("--num-programs", num_programs, "Programs in the --programs workload")
        ->check(CLI::PositiveNumber);
    app->add_option("--program-rate", program_rate, "Program arrivals per second (Poisson)")
        ->check(CLI::PositiveNumber);
    app->add_option("--think-time", think_time, "Mean think/tool time between dependent calls (s)")
        ->check(CLI::NonNegativeNumber);
    app->add_flag(
        "--vidur-compat", vidur_compat,
        "Model Vidur's choices: profile rows with any empty timing dropped, predictions flat beyond the "
        "profiled grid, KV rounded to whole --max-tokens requests");
  }
};

sim::LengthDistribution ParseDist(const std::string& flag, const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  auto num = [&](size_t i) {
    char* end = nullptr;
    const double x = std::strtod(parts[i].c_str(), &end);
    if (parts[i].empty() || *end != '\0' || !std::isfinite(x)) {
      throw Error(fmt::format("{} {}: '{}' is not a number", flag, text, parts[i]));
    }
    return x;
  };
  sim::LengthDistribution d;
  using K = sim::LengthDistribution::Kind;
  const std::string& kind = parts[0];
  size_t want = 0;
  if (kind == "trace") {
    d.kind = K::kTrace;
  } else if (kind == "fixed") {
    d.kind = K::kFixed, want = 1;
  } else if (kind == "uniform") {
    d.kind = K::kUniform, want = 2;
  } else if (kind == "zipf") {
    d.kind = K::kZipf, want = 2;
  } else if (kind == "lognormal") {
    d.kind = K::kLognormal, want = 2;
  } else {
    throw Error(
        fmt::format("{} {}: unknown distribution '{}' (valid: trace, fixed:N, uniform:LO:HI, "
                    "zipf:THETA:MAX, lognormal:MEDIAN:SIGMA)",
                    flag, text, kind));
  }
  if (parts.size() != want + 1) {
    throw Error(fmt::format("{} {}: '{}' takes {} parameter(s)", flag, text, kind, want));
  }
  if (want >= 1) d.a = num(1);
  if (want >= 2) d.b = num(2);
  return d;
}

serve::PolicyOptions OptionsFor(const std::string& policy, const std::vector<std::string>& opts) {
  serve::PolicyOptions out;
  for (const std::string& o : opts) {
    std::string scope, kv = o;
    const size_t colon = o.find(':');
    const size_t eq = o.find('=');
    if (colon != std::string::npos && colon < eq) {
      scope = o.substr(0, colon);
      kv = o.substr(colon + 1);
    }
    const size_t e = kv.find('=');
    if (e == std::string::npos || e == 0) {
      throw Error(fmt::format("--policy-opt {}: expected [policy:]key=value", o));
    }
    if (!scope.empty() && scope != policy) continue;
    out[kv.substr(0, e)] = kv.substr(e + 1);
  }
  return out;
}

// Synthetic workloads have one client (id 0) unless --clients says otherwise.
class OneClient : public sim::RequestSource {
 public:
  explicit OneClient(std::unique_ptr<sim::RequestSource> inner) : inner_(std::move(inner)) {}
  std::optional<serve::RequestSpec> Next() override {
    auto r = inner_->Next();
    if (r && r->client == serve::kNoClient) r->client = 0;
    return r;
  }

 private:
  std::unique_ptr<sim::RequestSource> inner_;
};

// Everything a run needs, resolved from the flags once.
struct Deployment {
  const sim::ModelSpec* model = nullptr;
  const sim::GpuSpec* gpu = nullptr;
  std::unique_ptr<sim::ExecutionTimeModel> exec;
  sim::SimulationConfig base;
  std::string trace_path;
  std::vector<serve::RequestSpec> requests;  // trace workloads
  sim::SyntheticOptions synthetic;
  bool is_synthetic = false;
  bool materialised_synthetic = false;  // synthetic requests held in `requests` (for --clients/--slo-classes)
  std::vector<sim::Program> programs;   // --programs workloads
  nlohmann::json config;

  std::unique_ptr<sim::RequestSource> Source() const {
    if (!programs.empty()) return sim::MakeProgramSource(programs);
    if (is_synthetic) return std::make_unique<OneClient>(sim::MakeSyntheticSource(synthetic));
    return sim::MakeVectorSource(requests);
  }
};

Deployment Resolve(const ServeFlags& f) {
  Deployment d;
  d.model = &sim::FindModel(f.model);
  d.gpu = &sim::FindGpu(f.gpu);
  sim::ExecutionModelOptions eo;
  eo.profile_dir = f.profile_dir;
  eo.block_size = f.block_size;
  eo.drop_incomplete_rows = f.vidur_compat;
  eo.clamp_to_profile = f.vidur_compat;
  d.exec = sim::MakeExecutionModel(*d.model, *d.gpu, f.tp, eo);

  sim::TraceOptions to;
  to.format = sim::ParseTraceFormat(f.trace_format);
  to.time_scale = f.time_scale;
  to.max_requests = f.max_requests;
  to.window_start = f.window_start;
  to.window_end = f.window_end;
  to.max_tokens = f.max_tokens;
  d.trace_path = f.trace.empty() ? sim::BundledTracePath() : f.trace;
  d.is_synthetic = !f.synthetic.empty();
  if (d.is_synthetic) {
    sim::SyntheticOptions& s = d.synthetic;
    if (f.synthetic == "poisson") {
      s.arrivals = sim::SyntheticOptions::Arrivals::kPoisson;
    } else if (f.synthetic == "gamma") {
      s.arrivals = sim::SyntheticOptions::Arrivals::kGamma;
    } else if (f.synthetic == "static") {
      s.arrivals = sim::SyntheticOptions::Arrivals::kStatic;
    } else {
      throw Error(fmt::format("--synthetic {}: unknown arrival process (valid: poisson, gamma, static)",
                              f.synthetic));
    }
    s.rate = f.rate;
    s.gamma_cv = f.cv;
    s.num_requests = f.num_requests;
    s.prompt = ParseDist("--prompt-dist", f.prompt_dist);
    s.output = ParseDist("--output-dist", f.output_dist);
    if (s.prompt.kind == sim::LengthDistribution::Kind::kTrace ||
        s.output.kind == sim::LengthDistribution::Kind::kTrace) {
      sim::TraceOptions lo = to;
      lo.time_scale = 1.0;
      s.trace_lengths = sim::ReadTraceLengths(d.trace_path, lo);
    }
    s.max_tokens = f.max_tokens;
    s.seed = f.seed;
  } else {
    sim::Trace t = sim::LoadTrace(d.trace_path, to);
    std::fflush(stdout);
    for (const std::string& w : t.report.Warnings(d.trace_path)) fmt::print(stderr, "warning: {}\n", w);
    if (!t.report.has_arrival_times && f.programs.empty()) {  // programs take only the lengths
      throw Error(
          fmt::format("--trace {}: the file has request lengths but no arrival times; add "
                      "--synthetic poisson --rate R to give it arrivals",
                      d.trace_path));
    }
    d.requests = std::move(t.requests);
  }
  const sim::ClientAssignment clients = sim::ParseClientAssignment(f.clients, "--clients");
  const std::vector<sim::SloClass> slo_classes = f.slo_classes.empty()
                                                     ? std::vector<sim::SloClass>{}
                                                     : sim::ParseSloClasses(f.slo_classes, "--slo-classes");
  if (!f.programs.empty()) {
    sim::ProgramOptions po;
    sim::SetProgramWorkload(f.programs, "--programs", &po);
    po.num_programs = f.num_programs;
    po.rate = f.program_rate;
    po.think_time = f.think_time;
    po.seed = f.seed;
    if (d.is_synthetic) {
      auto src = sim::MakeSyntheticSource(d.synthetic);
      while (auto r = src->Next()) po.lengths.emplace_back(r->prompt_tokens, r->output_tokens);
    } else {
      for (const auto& r : d.requests) po.lengths.emplace_back(r.prompt_tokens, r.output_tokens);
    }
    d.programs = sim::GeneratePrograms(po);
  } else if (clients.kind != sim::ClientAssignment::Kind::kNone || !slo_classes.empty()) {
    if (d.is_synthetic) {  // materialise: assignments need the whole list
      auto src = sim::MakeSyntheticSource(d.synthetic);
      while (auto r = src->Next()) d.requests.push_back(*r);
      d.is_synthetic = false;
      d.materialised_synthetic = true;
    }
    sim::ClientAssignment rule = clients;
    rule.seed = f.seed;
    sim::AssignClients(d.requests, rule);
    sim::AssignSloClasses(d.requests, slo_classes, f.seed);
  }
  // Client-fair policies need client ids: a trace without them (and no --clients rule) is an error.
  if (!d.is_synthetic && d.programs.empty() && !d.materialised_synthetic) {
    const bool any_client =
        std::any_of(d.requests.begin(), d.requests.end(),
                    [](const serve::RequestSpec& r) { return r.client != serve::kNoClient; });
    for (const std::string& p : f.policies) {
      if (!any_client && (p == "vtc" || p == "lcf" || p == "rpm")) {
        throw Error(
            fmt::format("--policy {}: the trace {} has no client ids (field `client`); give a client "
                        "assignment rule with --clients (e.g. --clients heavy:4,3)",
                        p, d.trace_path));
      }
    }
  }

  sim::SimulationConfig& c = d.base;
  serve::SchedulerConfig& sc = c.scheduler;
  sc.block_size = f.block_size;
  sc.watermark_fraction = f.watermark;
  sc.max_num_seqs = f.batch_cap;
  sc.token_budget = f.token_budget;
  sc.max_model_len = f.max_model_len >= 0 ? f.max_model_len : f.max_tokens;
  if (f.kv_blocks > 0) {
    sc.num_kv_blocks = f.kv_blocks;
  } else {
    sim::KvBudget kb;
    kb.gpu_memory_utilization = f.gpu_mem_util;
    kb.activation_reserve_gib = f.activation_reserve_gib;
    kb.block_size = f.block_size;
    kb.max_request_tokens = (f.vidur_kv_rounding || f.vidur_compat) ? f.max_tokens : 0;
    sc.num_kv_blocks = sim::KvCapacityBlocks(*d.model, *d.gpu, f.tp, kb);
  }
  const double block_bytes = static_cast<double>(d.model->kv_bytes_per_token(f.tp)) * f.block_size;
  sc.num_cpu_blocks = static_cast<int64_t>(f.cpu_swap_gib * 1024.0 * 1024.0 * 1024.0 / block_bytes);
  if (f.prefix_caching == "on") {
    sc.prefix_caching = serve::SchedulerConfig::PrefixCaching::kOn;
  } else if (f.prefix_caching == "off") {
    sc.prefix_caching = serve::SchedulerConfig::PrefixCaching::kOff;
  } else if (f.prefix_caching != "auto") {
    throw Error(fmt::format("--prefix-caching {}: expected on, off or auto", f.prefix_caching));
  }
  c.num_replicas = f.replicas;
  c.router = f.router;
  c.seed = f.seed;
  c.slo.ttft = f.ttft_slo;
  c.slo.tbt = f.tbt_slo;
  c.costs.kv_bytes_per_block = block_bytes;
  c.costs.pcie_bytes_per_s = d.gpu->pcie_gbs * 1e9;
  c.costs.linear_flops_per_token = 2.0 * static_cast<double>(d.model->layer_params_per_shard(f.tp)) * f.tp;
  c.costs.attention_flops_per_token_context = 4.0 * d.model->num_layers * d.model->hidden_size;
  c.costs.peak_flops = d.gpu->peak_tflops_fp16 * 1e12 * f.tp;

  nlohmann::json sources = nlohmann::json::array();
  for (const auto& s : d.exec->Sources()) {
    sources.push_back({{"op", s.op}, {"tier", sim::TierName(s.tier)}, {"detail", s.detail}});
  }
  d.config = {{"trace", d.is_synthetic || d.materialised_synthetic ? "synthetic" : d.trace_path},
              {"num_requests", d.is_synthetic ? f.num_requests : static_cast<int64_t>(d.requests.size())},
              {"time_scale", f.time_scale},
              {"max_tokens", f.max_tokens},
              {"model", d.model->name},
              {"gpu", d.gpu->name},
              {"tp", f.tp},
              {"kv_blocks", sc.num_kv_blocks},
              {"block_size", sc.block_size},
              {"batch_cap", sc.max_num_seqs},
              {"watermark", sc.watermark_fraction},
              {"max_model_len", sc.max_model_len},
              {"prefix_caching", f.prefix_caching},
              {"replicas", c.num_replicas},
              {"router", c.router},
              {"seed", f.seed},
              {"execution_model", sources}};
  if (!f.clients.empty()) d.config["clients"] = f.clients;
  if (!f.slo_classes.empty()) d.config["slo_classes"] = f.slo_classes;
  if (!d.programs.empty()) {
    d.config["programs"] = {{"shape", f.programs},
                            {"num_programs", f.num_programs},
                            {"rate", f.program_rate},
                            {"think_time", f.think_time}};
  }
  if (d.is_synthetic || d.materialised_synthetic) {
    d.config["synthetic"] = {{"arrivals", f.synthetic},
                             {"rate", f.rate},
                             {"cv", f.cv},
                             {"prompt_dist", f.prompt_dist},
                             {"output_dist", f.output_dist}};
  }
  return d;
}

void PrintDeployment(const Deployment& d, const ServeFlags& f) {
  const auto& sc = d.base.scheduler;
  fmt::print("workload: {} ({} requests{})\n", d.is_synthetic ? "synthetic " + f.synthetic : d.trace_path,
             d.is_synthetic ? f.num_requests : static_cast<int64_t>(d.requests.size()),
             f.time_scale != 1.0 ? fmt::format(", time scale {}", f.time_scale) : "");
  fmt::print(
      "deployment: {} on {} x TP{}, {} replica(s); KV {} blocks of {} tokens ({} tokens), batch cap {}\n",
      d.model->name, d.gpu->name, f.tp, d.base.num_replicas, sc.num_kv_blocks, sc.block_size,
      sc.num_kv_blocks * sc.block_size, sc.max_num_seqs);
  std::map<std::string, std::vector<std::string>> by_tier;
  for (const auto& s : d.exec->Sources()) by_tier[sim::TierName(s.tier)].push_back(s.op);
  for (const auto& [tier, ops] : by_tier) fmt::print("execution model, {}: {}\n", tier, fmt::join(ops, ", "));
}

std::function<void(int64_t, int64_t)> Progress(const std::string& label, bool enabled) {
  if (!enabled) return {};
  auto start = std::chrono::steady_clock::now();
  return [label, start](int64_t done, int64_t known) {
    if (std::chrono::steady_clock::now() - start < std::chrono::seconds(1)) return;
    fmt::print(stderr, "\r[{}] {} requests done, {} arrived   ", label, done, known);
  };
}

void RunSimulate(const ServeFlags& flags, const std::string& output_dir) {
  ServeFlags f = flags;
  if (f.policies.empty()) f.policies = {"vllm", "sarathi", "vllm-v1"};
  Deployment d = Resolve(f);
  PrintDeployment(d, f);
  std::vector<sim::Summary> summaries;
  std::vector<std::string> program_lines;
  std::filesystem::create_directories(output_dir);
  for (const std::string& p : f.policies) {
    sim::SimulationConfig c = d.base;
    c.policy = p;
    c.policy_options = OptionsFor(p, f.policy_opts);
    const bool progress = !f.no_progress && isatty(STDERR_FILENO);
    c.progress = Progress(p, progress);
    auto source = d.Source();
    sim::SimulationResult r = sim::Simulate(c, *source, *d.exec);
    if (progress && r.summary.wall_seconds >= 1.0) fmt::print(stderr, "\n");
    r.summary.label = p;
    const std::string dir = output_dir + "/" + p;
    std::filesystem::create_directories(dir);
    sim::WriteRequestCsv(dir + "/request_metrics.csv", r.records);
    sim::WriteTimelineCsv(dir + "/timeline.csv", r.timeline);
    summaries.push_back(r.summary);
    if (!d.programs.empty()) {
      const sim::ProgramSummary ps = sim::SummarizePrograms(d.programs, r.records);
      program_lines.push_back(
          fmt::format("{:<16} {:>8} {:>8} {:>12.3f} {:>12.3f} {:>14.4f} {:>14.4f} {:>10.4f}", p,
                      ps.num_programs, ps.num_calls, ps.latency.mean, ps.latency.p90,
                      ps.latency_per_token.mean, ps.latency_per_token.p90, ps.throughput));
    }
  }
  if (!program_lines.empty()) {
    fmt::print("\nprograms ({}): {:>8} {:>8} {:>12} {:>12} {:>14} {:>14} {:>10}\n", f.programs, "programs",
               "calls", "latency (s)", "p90 (s)", "s/token", "p90 s/token", "prog/s");
    for (const auto& line : program_lines) fmt::print("{}\n", line);
  }
  fmt::print("\n");
  sim::PrintSummaryTable(stdout, summaries);
  sim::WriteSummaryJson(output_dir + "/summary.json", summaries, d.config.dump());
  fmt::print("\nreport: {}/summary.json, per-request CSV and timeline in {}/<policy>/\n", output_dir,
             output_dir);
}

void RunCapacity(const ServeFlags& f, const sim::CapacityOptions& options) {
  Deployment d = Resolve(f);
  PrintDeployment(d, f);
  std::vector<std::pair<int32_t, int32_t>> lengths;
  if (d.is_synthetic) {
    auto src = d.Source();
    while (auto r = src->Next()) lengths.emplace_back(r->prompt_tokens, r->output_tokens);
  } else {
    for (const auto& r : d.requests) lengths.emplace_back(r.prompt_tokens, r.output_tokens);
  }
  sim::SimulationConfig c = d.base;
  c.policy = f.policies.empty() ? "sarathi" : f.policies.front();
  c.policy_options = OptionsFor(c.policy, f.policy_opts);
  fmt::print(
      "capacity search: policy {}, {} requests per run, Poisson arrivals (seed {}); SLO: P90 TTFT <= {} s, "
      "P99 TBT <= {} ms{}\n\n",
      c.policy, lengths.size(), options.seed, options.slo.ttft_p90, 1e3 * options.slo.tbt_p99,
      options.slo.delay_p99 > 0 ? fmt::format(", P99 scheduling delay <= {} s", options.slo.delay_p99) : "");
  fmt::print("{:>10}  {:>6}  {:>12}  {:>12}  {:>14}  {}\n", "rate", "meets", "TTFT p90 (s)", "TBT p99 (ms)",
             "sched p99 (s)", "violated");
  const auto start = std::chrono::steady_clock::now();
  const sim::CapacityResult r =
      sim::SearchCapacity(c, lengths, *d.exec, options, [](const sim::CapacityRun& run) {
        fmt::print("{:>10.4g}  {:>6}  {:>12.3f}  {:>12.1f}  {:>14.3f}  {}\n", run.rate, run.ok ? "yes" : "no",
                   run.summary.ttft.p90, 1e3 * run.summary.tbt_per_token.p99,
                   run.summary.scheduling_delay.p99, run.violated);
      });
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double above = 0;
  for (const auto& run : r.runs) {
    if (!run.ok && run.rate > r.capacity && (above == 0 || run.rate < above)) above = run.rate;
  }
  fmt::print("\ncapacity: {:.4g} req/s per replica ({} runs, {:.2f} s)\n", r.capacity, r.runs.size(), wall);
  if (above > 0) fmt::print("bracketed by {:.4g} (meets the SLOs) and {:.4g} (fails)\n", r.capacity, above);
  fmt::print("bound by: {}\n", r.bound_by);
}

}  // namespace

void AddServeCommands(CLI::App& app) {
  auto flags = std::make_shared<ServeFlags>();
  auto output = std::make_shared<std::string>("schedkit-out");
  CLI::App* sim_cmd = app.add_subcommand(
      "simulate",
      "Simulate LLM serving on a request trace and compare scheduling policies (defaults: bundled "
      "Azure conv slice, Llama-2-7B on A100, vllm vs sarathi vs vllm-v1)");
  flags->Register(sim_cmd, true);
  sim_cmd->add_option("--output", *output, "Output folder for summary.json and per-request CSVs");
  sim_cmd->callback([flags, output] { RunSimulate(*flags, *output); });

  auto cflags = std::make_shared<ServeFlags>();
  auto copts = std::make_shared<sim::CapacityOptions>();
  CLI::App* cap = app.add_subcommand("capacity", "Largest request rate one replica holds under latency SLOs");
  cflags->Register(cap, false);
  cap->add_option("--ttft-p90", copts->slo.ttft_p90, "SLO on P90 TTFT (s; 0 = off)")
      ->check(CLI::NonNegativeNumber);
  cap->add_option("--tbt-p99", copts->slo.tbt_p99, "SLO on P99 per-token TBT (s; 0 = off)")
      ->check(CLI::NonNegativeNumber);
  cap->add_option("--delay-p99", copts->slo.delay_p99,
                  "SLO on P99 scheduling delay (s; 0 = off; Vidur-Search: 5)")
      ->check(CLI::NonNegativeNumber);
  cap->add_option("--start-rate", copts->start_rate, "First rate tried (req/s)")->check(CLI::PositiveNumber);
  cap->add_option("--max-rate", copts->max_rate, "Highest rate tried (req/s)")->check(CLI::PositiveNumber);
  cap->add_option("--tolerance", copts->tolerance, "Relative width of the final bracket")
      ->check(CLI::Range(1e-6, 0.5));
  cap->callback([cflags, copts] {
    copts->seed = cflags->seed;
    RunCapacity(*cflags, *copts);
  });
}

}  // namespace schedkit::cli
