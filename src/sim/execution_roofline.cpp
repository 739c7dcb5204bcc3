// Calibrated roofline step-time model from a model's config: GEMMs (MoE experts: expected distinct experts
// read, top-k computed), attention (prefill FLOPs, KV reads), LM head, tensor-parallel all-reduces and a
// per-step overhead growing with the batch. Predict is closed-form arithmetic (no tables, no allocation).
#include "schedkit/sim/execution_roofline.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "schedkit/sim/roofline_profile.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

class RooflineModel final : public ExecutionTimeModel {
 public:
  RooflineModel(const ModelSpec& m, const GpuSpec& g, int tp, const RooflineParams& p) : p_(p), tp_(tp) {
    if (tp < 1 || m.num_q_heads % tp != 0) {
      throw Error(fmt::format("tensor-parallel degree {} does not divide the {} query heads of {}", tp,
                              m.num_q_heads, m.name));
    }
    const bool fp8 = m.weight_bytes == 1 && g.peak_tflops_fp8 > 0;
    peak_flops_ms_ = (fp8 ? g.peak_tflops_fp8 : g.peak_tflops_fp16) * 1e9;  // FLOPs per ms
    bw_bytes_ms_ = g.mem_bandwidth_gbs * 1e6;                               // bytes per ms
    const double h = m.hidden_size, q = m.num_q_heads / tp;
    const double wb = m.weight_bytes;
    // Attention projections per layer per shard.
    ModelSpec dense_only = m;
    dense_only.num_experts = 0;
    dense_only.ffn_size = 0;
    const double attn_params = static_cast<double>(dense_only.layer_params_per_shard(tp)) / m.num_layers;
    const double mats = m.gated_mlp ? 3.0 : 2.0;
    dense_layer_params_ = attn_params + mats * h * m.ffn_size / tp;
    if (m.is_moe()) {
      moe_layers_ = m.num_layers - std::min(m.num_dense_layers, m.num_layers);
      expert_params_ = mats * h * m.moe_ffn_size / tp;
      moe_fixed_params_ = attn_params + mats * h * m.shared_expert_ffn_size / tp + h * m.num_experts;
      experts_ = m.num_experts;
      top_k_ = m.experts_per_token;
    }
    dense_layers_ = m.num_layers - moe_layers_;
    wb_ = wb;
    // KV bytes per token per layer per shard, and attention FLOPs per (query token x attended token).
    kv_token_bytes_ = static_cast<double>(m.kv_bytes_per_token(tp)) / m.num_layers;
    if (m.is_mla()) {
      // Decode with the up-projections absorbed: scores over kv_lora + rope, values over kv_lora.
      decode_flops_per_ctx_ = 2.0 * q * (2.0 * m.kv_lora_rank + m.qk_rope_head_dim);
      prefill_flops_per_ctx_ = 2.0 * q * (m.qk_nope_head_dim + m.qk_rope_head_dim + m.v_head_dim);
    } else {
      decode_flops_per_ctx_ = prefill_flops_per_ctx_ = 4.0 * m.head_dim() * q;
    }
    window_ = m.sliding_window > 0 ? m.sliding_window : 1e18;
    lm_head_params_ = static_cast<double>(m.vocab_size) * h / tp;
    if (tp > 1) {
      const double link_gbs = g.nvlink_gbs > 0 ? g.nvlink_gbs / 2.0 : g.pcie_gbs;  // one direction
      const double eff = g.nvlink_gbs > 0 || p.pcie_eff <= 0 ? p.link_eff : p.pcie_eff;
      ar_ms_per_token_ = 2.0 * (tp - 1) / tp * (2.0 * h) / (link_gbs * 1e6 * eff);
    }
    layers_ = m.num_layers;
    sources_.push_back(
        {"linear", TimingTier::kCalibratedRoofline,
         fmt::format("{} weights of {} B/param on {} ({} TFLOPS{}, {} GB/s): GEMM compute eff "
                     "{:.1f}%, memory eff {:.1f}%{}",
                     m.name, m.weight_bytes, g.name, fp8 ? g.peak_tflops_fp8 : g.peak_tflops_fp16,
                     fp8 ? " fp8" : "", g.mem_bandwidth_gbs, 100 * p.gemm_compute_eff,
                     100 * p.gemm_memory_eff,
                     m.is_moe() ? fmt::format(", MoE {} of {} experts per token", top_k_, experts_) : "")});
    sources_.push_back(
        {"attention", TimingTier::kCalibratedRoofline,
         fmt::format("{} KV B/token/layer/shard{}: compute eff {:.1f}%, memory eff {:.1f}%", kv_token_bytes_,
                     m.is_mla() ? " (MLA latent)" : "", 100 * p.attn_compute_eff, 100 * p.attn_memory_eff)});
    sources_.push_back(
        {"engine_overhead", TimingTier::kCalibratedRoofline,
         fmt::format("{:.3f} ms per step + {:.4f} ms per sequence (in `linear`)", p.step_ms, p.per_seq_ms)});
    if (tp > 1) {
      sources_.push_back({"all_reduce", TimingTier::kCalibratedRoofline,
                          fmt::format("2 per layer over {} ({} GB/s, eff {:.1f}%) + {:.4f} ms each",
                                      g.nvlink_gbs > 0 ? "NVLink" : "PCIe",
                                      g.nvlink_gbs > 0 ? g.nvlink_gbs / 2.0 : g.pcie_gbs,
                                      100 * (g.nvlink_gbs > 0 || p.pcie_eff <= 0 ? p.link_eff : p.pcie_eff),
                                      p.allreduce_ms)});
    }
  }

  IterationTime Predict(const BatchShape& batch) const override {
    IterationTime out;
    const double n = static_cast<double>(batch.num_tokens());
    if (n <= 0) return out;
    const double ce = peak_flops_ms_ * p_.gemm_compute_eff, me = bw_bytes_ms_ * p_.gemm_memory_eff;
    auto gemm = [&](double active_params, double read_params) {
      return std::max(2.0 * n * active_params / ce, wb_ * read_params / me);
    };
    double lin = dense_layers_ * gemm(dense_layer_params_, dense_layer_params_);
    if (moe_layers_ > 0) {
      const double hit = experts_ * (1.0 - std::pow(1.0 - static_cast<double>(top_k_) / experts_, n));
      lin += moe_layers_ *
             gemm(moe_fixed_params_ + top_k_ * expert_params_, moe_fixed_params_ + hit * expert_params_);
    }
    // Attention per layer: prefill FLOPs (causal) and decode KV reads.
    double flops = 0.0, bytes = n * kv_token_bytes_;  // KV writes
    double seqs = static_cast<double>(batch.num_decodes);
    if (batch.num_decodes > 0) {
      const double kv = std::min(static_cast<double>(batch.decode_context_sum) / batch.num_decodes, window_);
      const double ctx = kv * batch.num_decodes;
      bytes += ctx * kv_token_bytes_;
      flops += decode_flops_per_ctx_ * ctx;
    }
    for (const auto& pf : batch.prefills) {
      if (pf.num_tokens <= 0) continue;
      seqs += 1;
      const double c = pf.num_tokens, kv = pf.context_tokens;
      const double attended = std::min(kv + (c + 1) / 2.0, window_);
      flops += prefill_flops_per_ctx_ * c * attended;
      bytes += kv * kv_token_bytes_;
    }
    const double att = layers_ * (flops / (peak_flops_ms_ * p_.attn_compute_eff) +
                                  bytes / (bw_bytes_ms_ * p_.attn_memory_eff));
    // LM head on the last position of each sequence.
    lin += std::max(2.0 * seqs * lm_head_params_ / ce, wb_ * lm_head_params_ / me);
    lin += p_.step_ms + p_.per_seq_ms * seqs;
    double comm = 0.0;
    if (tp_ > 1) comm = layers_ * 2.0 * (p_.allreduce_ms + n * ar_ms_per_token_);
    out.linear = lin * 1e-3;
    out.attention = att * 1e-3;
    out.comm = comm * 1e-3;
    return out;
  }

  const std::vector<OperatorSource>& Sources() const override { return sources_; }

 private:
  RooflineParams p_;
  int tp_;
  double peak_flops_ms_ = 0, bw_bytes_ms_ = 0, wb_ = 2;
  double dense_layers_ = 0, moe_layers_ = 0, layers_ = 0;
  double dense_layer_params_ = 0, expert_params_ = 0, moe_fixed_params_ = 0, experts_ = 0, top_k_ = 0;
  double kv_token_bytes_ = 0, decode_flops_per_ctx_ = 0, prefill_flops_per_ctx_ = 0, window_ = 0;
  double lm_head_params_ = 0, ar_ms_per_token_ = 0;
  std::vector<OperatorSource> sources_;
};

}  // namespace

RooflineParams FittedRooflineParams(const std::string& runtime) {
  return FittedRooflineProfile().For(runtime);
}

std::unique_ptr<ExecutionTimeModel> MakeRooflineModel(const ModelSpec& model, const GpuSpec& gpu, int tp,
                                                      const RooflineParams& params) {
  return std::make_unique<RooflineModel>(model, gpu, tp, params);
}

}  // namespace schedkit::sim
