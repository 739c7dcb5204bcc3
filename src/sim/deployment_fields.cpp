#include "schedkit/sim/deployment_fields.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <limits>
#include <type_traits>

#include "schedkit/util/error.h"
#include "schedkit/util/parse.h"

namespace schedkit::sim {
namespace {

template <typename T>
T ParseAs(std::string_view text, std::string_view what) {
  if constexpr (std::is_same_v<T, std::string>) {
    return std::string(text);
  } else if constexpr (std::is_same_v<T, bool>) {
    return util::ParseBool(text, what);
  } else if constexpr (std::is_same_v<T, double>) {
    return util::ParseDouble(text, what);
  } else if constexpr (std::is_same_v<T, uint64_t>) {
    return static_cast<uint64_t>(util::ParseIntInRange(text, what, 0, std::numeric_limits<int64_t>::max()));
  } else {
    return static_cast<T>(
        util::ParseIntInRange(text, what, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
  }
}

template <typename T>
std::string Text(const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    return value ? "true" : "false";
  } else {
    return fmt::format("{}", value);
  }
}

// A setting stored in member `m` of the spec (or, with `Section`, of its workload).
template <typename Owner, typename T>
DeploymentField Field(std::string key, std::string flag, std::string help, T Owner::*m) {
  DeploymentField f;
  f.key = std::move(key);
  f.flag = std::move(flag);
  f.help = std::move(help);
  using Type = DeploymentField::Type;
  f.type = std::is_same_v<T, std::string> ? Type::kString
           : std::is_same_v<T, bool>      ? Type::kBool
           : std::is_same_v<T, double>    ? Type::kNumber
                                          : Type::kInteger;
  auto owner = [](auto& spec) -> auto& {
    if constexpr (std::is_same_v<Owner, WorkloadSpec>) {
      return spec.workload;
    } else {
      return spec;
    }
  };
  f.set = [m, owner](DeploymentSpec& spec, std::string_view value, std::string_view what) {
    owner(spec).*m = ParseAs<T>(value, what);
  };
  f.get = [m, owner](const DeploymentSpec& spec) { return Text(owner(spec).*m); };
  return f;
}

std::vector<DeploymentField> MakeFields() {
  using D = DeploymentSpec;
  using W = WorkloadSpec;
  return {
      Field("model", "--model",
            "Model name from the catalogue (Llama-2-7B, Llama-3-8B, Llama-2-70B, Qwen2-7B)", &D::model),
      Field("gpu", "--gpu", "GPU name from the catalogue (a100, h100, a30)", &D::gpu),
      Field("tp", "--tp", "Tensor-parallel degree", &D::tp),
      Field("pp", "--pp", "Pipeline stages (only 1 is modelled)", &D::pp),
      Field("profile_dir", "--profile-dir", "Folder of Vidur-format profiles (default: bundled)",
            &D::profile_dir),
      Field("vidur_compat", "--vidur-compat",
            "Model Vidur's choices: profile rows with any empty timing dropped, predictions flat beyond the "
            "profiled grid, KV rounded to whole max_tokens requests",
            &D::vidur_compat),
      Field(
          "runtime", "--runtime",
          "Engine whose overheads and KV reserve the calibrated roofline charges: auto (vllm-v0 for the vllm "
          "policy, vllm-v1 for the others) | vllm-v0 | vllm-v1",
          &D::runtime),
      Field("roofline", "--roofline",
            "Use the calibrated roofline (fitted on real vLLM runs) even where Vidur profiles exist",
            &D::roofline),
      Field(
          "roofline_profile", "--profile",
          "Roofline profile written by `schedkit calibrate` (default: the built-in fit); implies --roofline",
          &D::roofline_profile),
      Field("kv_blocks", "--kv-blocks", "KV capacity in blocks (0 = derived from GPU memory)", &D::kv_blocks),
      Field("block_size", "--block-size", "Tokens per KV block", &D::block_size),
      Field("gpu_mem_util", "--gpu-mem-util", "GPU memory fraction for weights + KV", &D::gpu_mem_util),
      Field("activation_reserve_gib", "--activation-reserve-gib",
            "GPU memory per GPU kept beyond weights and KV (GiB; -1 = the engine's)",
            &D::activation_reserve_gib),
      Field("vidur_kv_rounding", "--vidur-kv-rounding",
            "Round KV capacity down to whole max_tokens requests, as Vidur's memory planner",
            &D::vidur_kv_rounding),
      Field("cpu_swap_gib", "--cpu-swap-gib", "CPU swap space for swap preemption (GiB)", &D::cpu_swap_gib),
      Field("prefix_caching", "--prefix-caching",
            "Automatic prefix caching: on | off | auto (auto: on for vllm-v1 and the ranked policies, off "
            "for vllm, sarathi, orca, fcfs-static, slai)",
            &D::prefix_caching),
      Field("batch_cap", "--batch-cap", "Max requests holding KV per replica", &D::batch_cap),
      Field("token_budget", "--token-budget,--chunk-size",
            "Tokens per iteration (0 = policy default: vllm 4096, vllm-v1 2048, sarathi 512)",
            &D::token_budget),
      Field("max_model_len", "--max-model-len",
            "Largest prompt + output a replica accepts (-1 = workload.max_tokens); orca and fcfs-static "
            "reserve this much KV per request",
            &D::max_model_len),
      Field("watermark", "--watermark", "KV admission watermark fraction, in [0, 0.99]", &D::watermark),
      Field("replicas", "--replicas", "Replicas", &D::replicas),
      Field("router", "--router",
            "Global router: round_robin|lor|random|autellix[:T] (Autellix: prompts > T (2048) tokens stay "
            "on their program's engine)",
            &D::router),
      Field("ttft_slo", "--ttft-slo", "Per-request TTFT SLO (s) for SLO attainment", &D::ttft_slo),
      Field("tbt_slo", "--tbt-slo", "Per-request worst TBT SLO (s) for SLO attainment", &D::tbt_slo),
      Field("seed", "--seed", "Random seed (synthetic workloads, client rules, random router, capacity)",
            &D::seed),
      Field("workload.trace", "--trace",
            "Request trace: Azure 2023 CSV, Vidur CSV, Mooncake JSONL, BurstGPT CSV, lengths-only CSV "
            "(default: the bundled Azure conv slice)",
            &W::trace),
      Field("workload.trace_format", "--trace-format", "auto|azure|vidur|mooncake|burstgpt|lengths",
            &W::trace_format),
      Field("workload.time_scale", "--time-scale", "Multiply arrival times (2 = half the rate)",
            &W::time_scale),
      Field("workload.max_requests", "--max-requests", "Use only the first N requests (0 = all)",
            &W::max_requests),
      Field("workload.window_start", "--window-start", "Trace window start (s from the first request)",
            &W::window_start),
      Field("workload.window_end", "--window-end", "Trace window end (s, exclusive; -1 = to the end)",
            &W::window_end),
      Field("workload.max_tokens", "--max-tokens",
            "Truncate prompts so prompt + output <= N (Vidur; 0 = off)", &W::max_tokens),
      Field("workload.synthetic", "--synthetic",
            "Synthetic arrivals instead of the trace's: poisson|gamma|static", &W::synthetic),
      Field("workload.rate", "--rate", "Synthetic arrival rate (req/s)", &W::rate),
      Field("workload.cv", "--cv", "Coefficient of variation of gamma inter-arrival gaps", &W::cv),
      Field("workload.num_requests", "--num-requests", "Synthetic request count", &W::num_requests),
      Field("workload.prompt_dist", "--prompt-dist",
            "Synthetic prompt lengths: trace | fixed:N | uniform:LO:HI | zipf:THETA:MAX | "
            "lognormal:MEDIAN:SIGMA",
            &W::prompt_dist),
      Field("workload.output_dist", "--output-dist", "Synthetic output lengths (same forms as prompt_dist)",
            &W::output_dist),
      Field("workload.clients", "--clients",
            "Client ids for the requests: none | uniform:N | heavy:N,K (client 0 at K x the others' rate) | "
            "zipf:N,S (synthetic workloads default to one client)",
            &W::clients),
      Field("workload.slo_classes", "--slo-classes",
            "Per-request SLO classes SHARE:TTFT:TBT[,...] (shares sum to 1; priority = class index)",
            &W::slo_classes),
      Field("workload.programs", "--programs",
            "Agentic program workload instead of independent requests: chain | fanout | mixed (call lengths "
            "from the trace; a call arrives think time after its parents finish) | chatbot (chains whose "
            "turns carry the previous turns as prompt prefix) | lats (LATS tree search, ~160 calls of ~467 "
            "new prompt and ~73 output tokens, history shared)",
            &W::programs),
      Field("workload.num_programs", "--num-programs", "Programs in the programs workload", &W::num_programs),
      Field("workload.program_rate", "--program-rate", "Program arrivals per second (Poisson)",
            &W::program_rate),
      Field("workload.think_time", "--think-time", "Mean think/tool time between dependent calls (s)",
            &W::think_time),
  };
}

}  // namespace

const std::vector<DeploymentField>& DeploymentFields() {
  static const std::vector<DeploymentField> fields = MakeFields();
  return fields;
}

void SetDeploymentField(DeploymentSpec& spec, std::string_view key, std::string_view value,
                        std::string_view what) {
  for (const DeploymentField& f : DeploymentFields()) {
    if (f.key == key) {
      f.set(spec, value, what);
      return;
    }
  }
  std::vector<std::string> keys{"policies", "policy_options"};
  for (const DeploymentField& f : DeploymentFields()) keys.push_back(f.key);
  throw Error(fmt::format("{}: unknown setting '{}' (valid: {})", what, key, fmt::join(keys, ", ")));
}

std::vector<std::string> ParsePolicyList(std::string_view text, std::string_view what) {
  std::vector<std::string> policies;
  for (std::string_view item : util::SplitList(text, ',')) {
    if (item.empty()) throw Error(fmt::format("{}: '{}' has an empty policy name", what, text));
    policies.emplace_back(item);
  }
  return policies;
}

void AddPolicyOption(DeploymentSpec& spec, std::string_view text, std::string_view what) {
  std::string_view scope, kv = text;
  const size_t colon = text.find(':');
  const size_t eq = text.find('=');
  if (colon != std::string_view::npos && colon < eq) {
    scope = text.substr(0, colon);
    kv = text.substr(colon + 1);
  }
  const size_t e = kv.find('=');
  if (e == std::string_view::npos || e == 0) {
    throw Error(fmt::format("{} {}: expected [policy:]key=value", what, text));
  }
  spec.policy_options[std::string(scope)][std::string(kv.substr(0, e))] = std::string(kv.substr(e + 1));
}

}  // namespace schedkit::sim
