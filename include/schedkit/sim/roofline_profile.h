// A roofline profile: the calibrated-roofline factors shared by every model and GPU, plus what depends on the
// serving engine's version (its per-step and per-sequence CPU overhead, and the GPU memory it keeps outside
// weights and KV cache). The built-in profile is fitted on real vLLM runs (docs/execution-model.md, section
// 8); `schedkit calibrate` writes one fitted on a user's measurements, which `simulate --profile FILE` and
// `validate --profile FILE` read. JSON layout in docs/validate.md.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "schedkit/sim/execution_roofline.h"

namespace schedkit::sim {

// Engine runtimes with their own overhead terms. vLLM V0 (the 2024 engine: Python scheduler, eager prefill,
// per-step input preparation) and vLLM V1 (CUDA graphs for decodes, the scheduler overlapped with the GPU).
inline constexpr const char* kRuntimeVllmV0 = "vllm-v0";
inline constexpr const char* kRuntimeVllmV1 = "vllm-v1";

struct EngineOverhead {
  double step_ms = 0.0;         // per step (scheduling, input preparation, launch)
  double per_seq_ms = 0.0;      // per sequence in the step (sampling, detokenisation, bookkeeping)
  double kv_reserve_gib = 0.0;  // GPU memory per GPU kept from the KV cache beyond the weights (CUDA
                                // context, communication buffers, the profiling pass's activation peak)
};

struct RooflineProfile {
  RooflineParams params;                           // step_ms / per_seq_ms: for runtimes not listed below
  std::map<std::string, EngineOverhead> runtimes;  // "vllm-v0", "vllm-v1"
  // The factors with `runtime`'s overhead (throws schedkit::Error naming the known runtimes if unknown).
  RooflineParams For(const std::string& runtime) const;
  double KvReserveGib(const std::string& runtime) const;
};

// The profile every built-in run uses.
const RooflineProfile& FittedRooflineProfile();

// "vllm-v0" for the `vllm` policy (vLLM V0's rules), "vllm-v1" for every other policy.
std::string RuntimeForPolicy(const std::string& policy);

// Named scalar parameters of a profile, for fitting: the shared factors (gemm_compute_eff, ...) and, per
// runtime R, R.step_ms, R.per_seq_ms, R.kv_reserve_gib.
std::vector<std::string> ProfileParameterNames(const RooflineProfile& profile);
double GetProfileParameter(const RooflineProfile& profile, const std::string& name);
void SetProfileParameter(RooflineProfile& profile, const std::string& name, double value);
// Efficiencies are fractions of a peak (at most 1); the rest are times or memory (unbounded).
bool IsEfficiencyParameter(const std::string& name);

// JSON: {"format": "schedkit-roofline-profile", "params": {...}, "runtimes": {"vllm-v1": {...}}, ...}.
// Missing keys keep the built-in values. Throws schedkit::Error naming the file and key.
RooflineProfile ReadRooflineProfile(const std::string& path);
// `extra`: JSON object text merged in at the top level (fit statistics); "" = none.
std::string RooflineProfileJson(const RooflineProfile& profile, const std::string& extra = "");

}  // namespace schedkit::sim
