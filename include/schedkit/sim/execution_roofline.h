// Calibrated roofline for any model and GPU (tier 2 without profiles): every operator's FLOPs and bytes from
// the model's config.json over the GPU's datasheet peaks, with efficiency factors and a per-step engine
// overhead fitted once on real vLLM runs (docs/execution-model.md, section 8). Used for models or GPUs
// without Vidur profiles, or for any model when ExecutionModelOptions::roofline is set.
#pragma once

#include <memory>
#include <string>

#include "schedkit/sim/execution_model.h"
#include "schedkit/sim/hardware.h"

namespace schedkit::sim {

struct RooflineParams {
  double gemm_compute_eff = 0.0;  // of the dense fp16/bf16 (or fp8) tensor peak
  double gemm_memory_eff = 0.0;   // of the memory bandwidth, for weight reads
  double attn_compute_eff = 0.0;  // prefill attention FLOPs
  double attn_memory_eff = 0.0;   // KV-cache reads
  double link_eff = 0.0;          // of the NVLink bandwidth, for the all-reduce
  double pcie_eff = 0.0;  // of the PCIe bandwidth, for the all-reduce of GPUs without NVLink (0 = link_eff)
  double allreduce_ms = 0.0;  // latency of one all-reduce
  double step_ms = 0.0;       // per-step engine overhead (scheduling, input preparation, launch)
  double per_seq_ms = 0.0;    // per sequence in the batch (sampling, detokenisation, bookkeeping)
};

// The built-in factors (FittedRooflineProfile() in roofline_profile.h) with the engine overhead of `runtime`
// ("vllm-v0" or "vllm-v1"; docs/execution-model.md, section 8).
RooflineParams FittedRooflineParams(const std::string& runtime = "vllm-v1");

std::unique_ptr<ExecutionTimeModel> MakeRooflineModel(const ModelSpec& model, const GpuSpec& gpu, int tp,
                                                      const RooflineParams& params);

}  // namespace schedkit::sim
