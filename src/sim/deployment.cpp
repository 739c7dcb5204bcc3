#include "schedkit/sim/deployment.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "schedkit/serve/policy_registry.h"
#include "schedkit/sim/roofline_profile.h"
#include "schedkit/sim/workload_assign.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

// Synthetic workloads have one client (id 0) unless a client rule says otherwise.
class OneClient : public RequestSource {
 public:
  explicit OneClient(std::unique_ptr<RequestSource> inner) : inner_(std::move(inner)) {}
  std::optional<serve::RequestSpec> Next() override {
    auto r = inner_->Next();
    if (r && r->client == serve::kNoClient) r->client = 0;
    return r;
  }

 private:
  std::unique_ptr<RequestSource> inner_;
};

serve::SchedulerConfig::PrefixCaching ParsePrefixCaching(const std::string& text) {
  if (text == "on") return serve::SchedulerConfig::PrefixCaching::kOn;
  if (text == "off") return serve::SchedulerConfig::PrefixCaching::kOff;
  if (text == "auto") return serve::SchedulerConfig::PrefixCaching::kPolicyDefault;
  throw Error(fmt::format("prefix_caching '{}': expected on, off or auto", text));
}

void Require(bool ok, const std::string& field, const std::string& rule, const std::string& value) {
  if (!ok) throw Error(fmt::format("{}: {} must be {}", field, value, rule));
}

// Range checks of every numeric field, naming it.
void Validate(const DeploymentSpec& s) {
  const WorkloadSpec& w = s.workload;
  Require(s.tp >= 1, "tp", "at least 1", std::to_string(s.tp));
  if (s.pp != 1) {
    throw Error(fmt::format(
        "pp: {} pipeline stages are not modelled (a replica runs one batch at a time); use pp: 1", s.pp));
  }
  Require(s.kv_blocks >= 0, "kv_blocks", "at least 0 (0 = from GPU memory)", std::to_string(s.kv_blocks));
  Require(s.block_size >= 1, "block_size", "at least 1", std::to_string(s.block_size));
  Require(s.gpu_mem_util > 0 && s.gpu_mem_util <= 1, "gpu_mem_util", "in (0, 1]",
          fmt::format("{}", s.gpu_mem_util));
  Require(s.activation_reserve_gib >= -1, "activation_reserve_gib", "-1 (the engine's) or at least 0",
          fmt::format("{}", s.activation_reserve_gib));
  Require(s.cpu_swap_gib >= 0, "cpu_swap_gib", "at least 0", fmt::format("{}", s.cpu_swap_gib));
  Require(s.batch_cap >= 1, "batch_cap", "at least 1", std::to_string(s.batch_cap));
  Require(s.token_budget >= 0, "token_budget", "at least 0 (0 = the policy's default)",
          std::to_string(s.token_budget));
  Require(s.max_model_len >= -1, "max_model_len", "-1 (= workload.max_tokens) or at least 0",
          std::to_string(s.max_model_len));
  Require(s.watermark >= 0 && s.watermark < 0.99 + 1e-12, "watermark", "in [0, 0.99]",
          fmt::format("{}", s.watermark));
  Require(s.replicas >= 1, "replicas", "at least 1", std::to_string(s.replicas));
  Require(s.ttft_slo > 0, "ttft_slo", "positive", fmt::format("{}", s.ttft_slo));
  Require(s.tbt_slo > 0, "tbt_slo", "positive", fmt::format("{}", s.tbt_slo));
  Require(w.time_scale > 0, "workload.time_scale", "positive", fmt::format("{}", w.time_scale));
  Require(w.max_requests >= 0, "workload.max_requests", "at least 0 (0 = all)",
          std::to_string(w.max_requests));
  Require(w.window_start >= 0, "workload.window_start", "at least 0", fmt::format("{}", w.window_start));
  Require(w.max_tokens >= 0, "workload.max_tokens", "at least 0 (0 = off)", std::to_string(w.max_tokens));
  Require(w.rate > 0, "workload.rate", "positive", fmt::format("{}", w.rate));
  Require(w.cv > 0, "workload.cv", "positive", fmt::format("{}", w.cv));
  Require(w.num_requests >= 1, "workload.num_requests", "at least 1", std::to_string(w.num_requests));
  Require(w.num_programs >= 1, "workload.num_programs", "at least 1", std::to_string(w.num_programs));
  Require(w.program_rate > 0, "workload.program_rate", "positive", fmt::format("{}", w.program_rate));
  Require(w.think_time >= 0, "workload.think_time", "at least 0", fmt::format("{}", w.think_time));
  if (s.runtime != "auto" && s.runtime != kRuntimeVllmV0 && s.runtime != kRuntimeVllmV1) {
    throw Error(
        fmt::format("runtime '{}': expected auto, {} or {}", s.runtime, kRuntimeVllmV0, kRuntimeVllmV1));
  }
  if (s.policies.empty()) throw Error("policies: name at least one policy");
  for (const auto& [scope, options] : s.policy_options) {  // a misspelt policy name is not ignored
    if (!scope.empty()) serve::FindPolicyInfo(scope);
  }
  for (const std::string& p : s.policies) serve::MakePolicy(p, PolicyOptionsFor(s, p));  // options checked
  const WorkloadSpec defaults;
  const bool synthetic_only =
      w.synthetic.empty() &&
      (w.rate != defaults.rate || w.cv != defaults.cv || w.num_requests != defaults.num_requests ||
       w.prompt_dist != defaults.prompt_dist || w.output_dist != defaults.output_dist);
  if (synthetic_only) {
    throw Error(
        "workload: rate, cv, num_requests, prompt_dist and output_dist describe synthetic arrivals: set "
        "workload.synthetic (poisson, gamma or static) too");
  }
}

}  // namespace

CostFactors CostFactorsFor(const ModelSpec& model, const GpuSpec& gpu, int tp, int32_t block_size) {
  CostFactors c;
  c.kv_bytes_per_block = static_cast<double>(model.kv_bytes_per_token(tp)) * block_size;
  c.pcie_bytes_per_s = gpu.pcie_gbs * 1e9;
  c.linear_flops_per_token = 2.0 * static_cast<double>(model.layer_params_per_shard(tp)) * tp;
  c.attention_flops_per_token_context = 4.0 * model.num_layers * model.hidden_size;
  c.peak_flops = gpu.peak_tflops_fp16 * 1e12 * tp;
  return c;
}

DeploymentSpec CapacityDeploymentDefaults() {
  DeploymentSpec spec;
  spec.policies = {"sarathi"};
  return spec;
}

int64_t CpuSwapBlocks(double gib, double block_bytes) {
  return static_cast<int64_t>(gib * 1024.0 * 1024.0 * 1024.0 / block_bytes);
}

serve::PolicyOptions PolicyOptionsFor(const DeploymentSpec& spec, const std::string& policy) {
  serve::PolicyOptions out;
  if (auto it = spec.policy_options.find(""); it != spec.policy_options.end()) out = it->second;
  if (auto it = spec.policy_options.find(policy); it != spec.policy_options.end()) {
    for (const auto& [key, value] : it->second) out[key] = value;
  }
  return out;
}

Deployment::Deployment(Deployment&&) noexcept = default;
Deployment& Deployment::operator=(Deployment&&) noexcept = default;
Deployment::~Deployment() = default;

Deployment Deployment::Resolve(const DeploymentSpec& spec) { return Resolve(spec, std::nullopt, nullptr); }

Deployment Deployment::Resolve(const DeploymentSpec& spec,
                               std::optional<std::vector<serve::RequestSpec>> requests,
                               std::shared_ptr<const RooflineProfile> profile) {
  Validate(spec);
  const WorkloadSpec& w = spec.workload;
  Deployment d;
  d.spec_ = spec;
  d.model_ = &FindModel(spec.model);
  d.gpu_ = &FindGpu(spec.gpu);
  ExecutionModelOptions eo;
  eo.profile_dir = spec.profile_dir;
  eo.block_size = spec.block_size;
  eo.drop_incomplete_rows = spec.vidur_compat;
  eo.clamp_to_profile = spec.vidur_compat;
  eo.roofline = spec.roofline;
  if (profile) {
    eo.roofline_profile = std::move(profile);
  } else if (!spec.roofline_profile.empty()) {
    eo.roofline_profile = std::make_shared<RooflineProfile>(ReadRooflineProfile(spec.roofline_profile));
  }
  // One execution model per engine runtime the policies run on; Vidur profiles have no engine term, so
  // every policy shares one model there.
  const bool roofline = UsesCalibratedRoofline(*d.model_, *d.gpu_, eo);
  for (const std::string& p : spec.policies) {
    const std::string runtime = !roofline                ? std::string()
                                : spec.runtime == "auto" ? RuntimeForPolicy(p)
                                                         : spec.runtime;
    d.runtime_of_[p] = runtime;
    if (d.engines_.count(runtime) > 0) continue;
    if (!runtime.empty()) eo.runtime = runtime;
    d.engines_[runtime].exec = MakeExecutionModel(*d.model_, *d.gpu_, spec.tp, eo);
  }

  if (requests) {
    d.requests_ = std::move(*requests);
    d.trace_path_ = "the given requests";
  } else {
    d.LoadWorkload();
  }
  const bool any_program = !d.programs_.empty() || std::any_of(d.requests_.begin(), d.requests_.end(),
                                                               [](const serve::RequestSpec& r) {
                                                                 return r.program != serve::kNoProgram;
                                                               });
  for (const std::string& p : spec.policies) {
    if (serve::FindPolicyInfo(p).needs_program_ids && !any_program) {
      throw Error(
          fmt::format("policies: {} schedules agentic programs and needs program ids; give a program "
                      "workload in workload.programs (chain, fanout, mixed, chatbot or lats)",
                      p));
    }
  }

  SimulationConfig& c = d.base_;
  serve::SchedulerConfig& sc = c.scheduler;
  sc.block_size = spec.block_size;
  sc.watermark_fraction = spec.watermark;
  sc.max_num_seqs = spec.batch_cap;
  sc.token_budget = spec.token_budget;
  sc.max_model_len = spec.max_model_len >= 0 ? spec.max_model_len : w.max_tokens;
  // The calibrated roofline's engines keep memory beyond weights and KV (CUDA context, communication
  // buffers, the profiling pass's activation peak), unless the spec says how much.
  const RooflineProfile& engine_profile =
      eo.roofline_profile ? *eo.roofline_profile : FittedRooflineProfile();
  for (auto& [runtime, engine] : d.engines_) {
    if (spec.kv_blocks > 0) {
      engine.kv_blocks = spec.kv_blocks;
      continue;
    }
    KvBudget kb;
    kb.gpu_memory_utilization = spec.gpu_mem_util;
    kb.activation_reserve_gib = spec.activation_reserve_gib >= 0 ? spec.activation_reserve_gib
                                : runtime.empty()                ? 0.0
                                                                 : engine_profile.KvReserveGib(runtime);
    kb.block_size = spec.block_size;
    kb.max_request_tokens = (spec.vidur_kv_rounding || spec.vidur_compat) ? w.max_tokens : 0;
    engine.kv_blocks = KvCapacityBlocks(*d.model_, *d.gpu_, spec.tp, kb);
  }
  sc.num_kv_blocks = d.engines_.at(d.runtime_of_.at(spec.policies.front())).kv_blocks;
  c.costs = CostFactorsFor(*d.model_, *d.gpu_, spec.tp, spec.block_size);
  sc.num_cpu_blocks = CpuSwapBlocks(spec.cpu_swap_gib, c.costs.kv_bytes_per_block);
  sc.prefix_caching = ParsePrefixCaching(spec.prefix_caching);
  c.num_replicas = spec.replicas;
  c.router = spec.router;
  c.seed = spec.seed;
  c.slo.ttft = spec.ttft_slo;
  c.slo.tbt = spec.tbt_slo;
  return d;
}

// The workload section: trace or synthetic arrivals, programs, client and SLO-class rules.
void Deployment::LoadWorkload() {
  const WorkloadSpec& w = spec_.workload;
  TraceOptions to;
  to.format = ParseTraceFormat(w.trace_format);
  to.time_scale = w.time_scale;
  to.max_requests = w.max_requests;
  to.window_start = w.window_start;
  to.window_end = w.window_end;
  to.max_tokens = w.max_tokens;
  trace_path_ = w.trace.empty() ? BundledTracePath() : w.trace;
  synthetic_ = !w.synthetic.empty();
  if (synthetic_) {
    SyntheticOptions& s = synthetic_options_;
    s.arrivals = ParseArrivals(w.synthetic, "workload.synthetic");
    s.rate = w.rate;
    s.gamma_cv = w.cv;
    s.num_requests = w.num_requests;
    s.prompt = ParseLengthDistribution(w.prompt_dist, "workload.prompt_dist");
    s.output = ParseLengthDistribution(w.output_dist, "workload.output_dist");
    if (s.prompt.kind == LengthDistribution::Kind::kTrace ||
        s.output.kind == LengthDistribution::Kind::kTrace) {
      TraceOptions lo = to;
      lo.time_scale = 1.0;
      s.trace_lengths = ReadTraceLengths(trace_path_, lo);
    }
    s.max_tokens = w.max_tokens;
    s.seed = spec_.seed;
    streamed_synthetic_ = true;
  } else {
    Trace t = LoadTrace(trace_path_, to);
    warnings_ = t.report.Warnings(trace_path_);
    if (!t.report.has_arrival_times && w.programs.empty()) {  // programs take only the lengths
      throw Error(
          fmt::format("workload.trace {}: the file has request lengths but no arrival times; give it "
                      "synthetic arrivals (workload.synthetic: poisson, workload.rate: R)",
                      trace_path_));
    }
    requests_ = std::move(t.requests);
  }
  const ClientAssignment clients = ParseClientAssignment(w.clients, "workload.clients");
  const std::vector<SloClass> slo_classes = w.slo_classes.empty()
                                                ? std::vector<SloClass>{}
                                                : ParseSloClasses(w.slo_classes, "workload.slo_classes");
  if (!w.programs.empty()) {
    ProgramOptions po;
    SetProgramWorkload(w.programs, "workload.programs", &po);
    po.num_programs = w.num_programs;
    po.rate = w.program_rate;
    po.think_time = w.think_time;
    po.seed = spec_.seed;
    if (synthetic_) {
      auto src = MakeSyntheticSource(synthetic_options_);
      while (auto r = src->Next()) po.lengths.emplace_back(r->prompt_tokens, r->output_tokens);
    } else {
      for (const auto& r : requests_) po.lengths.emplace_back(r.prompt_tokens, r.output_tokens);
    }
    programs_ = GeneratePrograms(po);
  } else if (clients.kind != ClientAssignment::Kind::kNone || !slo_classes.empty()) {
    if (synthetic_) {  // materialise: assignments need the whole list
      auto src = MakeSyntheticSource(synthetic_options_);
      while (auto r = src->Next()) requests_.push_back(*r);
      streamed_synthetic_ = false;
    }
    ClientAssignment rule = clients;
    rule.seed = spec_.seed;
    AssignClients(requests_, rule);
    AssignSloClasses(requests_, slo_classes, spec_.seed);
  }
  // Policies that need client ids: a trace without them (and no client rule) is an error. Synthetic streams
  // carry client 0; programs are checked by the policies themselves.
  if (!synthetic_ && programs_.empty()) {
    const bool any_client = std::any_of(requests_.begin(), requests_.end(), [](const serve::RequestSpec& r) {
      return r.client != serve::kNoClient;
    });
    for (const std::string& p : spec_.policies) {
      if (!any_client && serve::FindPolicyInfo(p).needs_client_ids) {
        throw Error(
            fmt::format("policies: {} needs client ids, and the trace {} has none (field `client`); give a "
                        "client assignment rule in workload.clients (e.g. heavy:4,3)",
                        p, trace_path_));
      }
    }
  }
}

SimulationConfig Deployment::ConfigFor(const std::string& policy) const {
  SimulationConfig c = base_;
  c.policy = policy;
  c.policy_options = PolicyOptionsFor(spec_, policy);
  if (auto it = runtime_of_.find(policy); it != runtime_of_.end()) {
    c.scheduler.num_kv_blocks = engines_.at(it->second).kv_blocks;
  }
  return c;
}

const ExecutionTimeModel& Deployment::execution_model(const std::string& policy) const {
  const auto it = runtime_of_.find(policy.empty() ? spec_.policies.front() : policy);
  if (it == runtime_of_.end()) {
    throw Error(fmt::format("deployment: policy {} is not one of its policies ({})", policy,
                            fmt::join(spec_.policies, ", ")));
  }
  return *engines_.at(it->second).exec;
}

std::unique_ptr<RequestSource> Deployment::Source() const {
  if (!programs_.empty()) return MakeProgramSource(programs_);
  if (streamed_synthetic_) return std::make_unique<OneClient>(MakeSyntheticSource(synthetic_options_));
  return MakeVectorSource(requests_);
}

std::vector<std::pair<int32_t, int32_t>> Deployment::Lengths() const {
  std::vector<std::pair<int32_t, int32_t>> lengths;
  if (streamed_synthetic_) {
    auto src = Source();
    while (auto r = src->Next()) lengths.emplace_back(r->prompt_tokens, r->output_tokens);
  } else {
    for (const auto& r : requests_) lengths.emplace_back(r.prompt_tokens, r.output_tokens);
  }
  return lengths;
}

int64_t Deployment::num_requests() const {
  return streamed_synthetic_ ? spec_.workload.num_requests : static_cast<int64_t>(requests_.size());
}

std::string Deployment::WorkloadLabel() const {
  return streamed_synthetic_ ? "synthetic " + spec_.workload.synthetic : trace_path_;
}

std::string Deployment::ConfigJson() const {
  const WorkloadSpec& w = spec_.workload;
  const serve::SchedulerConfig& sc = base_.scheduler;
  nlohmann::json sources = nlohmann::json::array();
  for (const auto& s : execution_model().Sources()) {
    sources.push_back({{"op", s.op}, {"tier", TierName(s.tier)}, {"detail", s.detail}});
  }
  nlohmann::json config = {{"trace", synthetic_ ? "synthetic" : trace_path_},
                           {"num_requests", num_requests()},
                           {"time_scale", w.time_scale},
                           {"max_tokens", w.max_tokens},
                           {"model", model_->name},
                           {"gpu", gpu_->name},
                           {"tp", spec_.tp},
                           {"kv_blocks", sc.num_kv_blocks},
                           {"block_size", sc.block_size},
                           {"batch_cap", sc.max_num_seqs},
                           {"watermark", sc.watermark_fraction},
                           {"max_model_len", sc.max_model_len},
                           {"prefix_caching", spec_.prefix_caching},
                           {"replicas", base_.num_replicas},
                           {"router", base_.router},
                           {"seed", spec_.seed},
                           {"execution_model", sources}};
  if (!w.clients.empty()) config["clients"] = w.clients;
  if (!w.slo_classes.empty()) config["slo_classes"] = w.slo_classes;
  if (!programs_.empty()) {
    config["programs"] = {{"shape", w.programs},
                          {"num_programs", w.num_programs},
                          {"rate", w.program_rate},
                          {"think_time", w.think_time}};
  }
  if (synthetic_) {
    config["synthetic"] = {{"arrivals", w.synthetic},
                           {"rate", w.rate},
                           {"cv", w.cv},
                           {"prompt_dist", w.prompt_dist},
                           {"output_dist", w.output_dist}};
  }
  return config.dump();
}

}  // namespace schedkit::sim
