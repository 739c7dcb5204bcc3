// Calibrated roofline (tier 2): operator FLOPs and bytes from the model config, over the GPU's peak compute
// and memory bandwidth, with efficiencies fitted on the profiles that exist. Times in ms, per layer, per TP
// shard.
#pragma once

#include <string>

#include "schedkit/sim/hardware.h"
#include "schedkit/sim/profile_tables.h"

namespace schedkit::sim {

// Attention work of one layer on one TP shard (fp16).
struct AttentionWork {
  double flops = 0.0;
  double bytes = 0.0;
};
// Prefill of `chunk` new tokens after `kv` cached ones (causal: new token i sees kv + i keys).
AttentionWork PrefillAttentionWork(const ModelSpec& model, int tp, double kv, double chunk);
// One decode step of `batch` sequences holding `kv` cached tokens each.
AttentionWork DecodeAttentionWork(const ModelSpec& model, int tp, double batch, double kv);
// Writing `tokens` tokens' K and V into the paged cache (read + write).
double KvSaveBytes(const ModelSpec& model, int tp, double tokens);

// t = fixed + per_seq x batch + flops / (peak x compute_eff) + bytes / (bandwidth x memory_eff), then x
// scale.
struct RooflineTerm {
  double fixed_ms = 0.0;
  double per_seq_ms = 0.0;   // decode only
  double compute_eff = 0.0;  // 0 = no compute term
  double memory_eff = 0.0;   // 0 = no memory term
  double scale = 1.0;        // extra factor (SplitwiseSim calibration), 1 when none
  double Ms(const GpuSpec& gpu, double batch, const AttentionWork& work) const;
  double median_rel_error = 0.0;  // on the rows it was fitted on
  int64_t rows = 0;
};

struct AttentionRoofline {
  RooflineTerm prefill, decode, kv_save;
  std::string calibrated_on;  // profile path(s)
};

// Fits the three terms on a measured attention profile of `model` on `gpu` (relative least squares,
// deterministic).
AttentionRoofline FitAttentionRoofline(const AttentionProfile& profile, const ModelSpec& model,
                                       const GpuSpec& gpu, int tp = 1);

// SplitwiseSim calibration of the prefill-attention roofline on `gpu` ("a100" / "h100"): the scale k
// minimising the relative error of L + C + k A against SplitwiseSim's Llama-2-70B TP 2 single-request prefill
// times (prompts 1,024-4,096, the median of the repeats), where L is the measured Llama-2-70B mlp.csv curve,
// C two DGX all-reduces
// (+ launch) per layer and A the roofline `fit`. TP 2 is where L + C alone already match short prompts (see
// docs/execution-model.md). points = 0 (scale 1) when the GPU or a file is missing.
struct SplitwiseCalibration {
  double scale = 1.0;
  int64_t points = 0;
  std::string path;
};
SplitwiseCalibration FitSplitwisePrefillScale(const std::string& profile_root, const GpuSpec& gpu,
                                              const AttentionRoofline& fit, double nccl_launch_ms = 0.02);

// Ratio of the target's to the reference's work for a token-count operator at equal token count (weights or
// elements), used to carry a reference model's measured curve over to a model without mlp.csv on the same
// GPU.
double LinearOpWorkRatio(const std::string& op, const ModelSpec& target, const ModelSpec& reference, int tp);

}  // namespace schedkit::sim
