// Model and GPU descriptions, and the KV-cache capacity they leave.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace schedkit::sim {

struct ModelSpec {
  std::string name;          // canonical: "Llama-2-7B", "Llama-3-8B", "Llama-2-70B", "Qwen2-7B"
  std::string profile_name;  // folder of its Vidur profiles, e.g. "meta-llama/Llama-2-7b-hf"
  int num_layers = 0;
  int hidden_size = 0;
  int num_q_heads = 0;
  int num_kv_heads = 0;
  int ffn_size = 0;  // intermediate size
  int vocab_size = 0;
  bool gated_mlp = true;
  int head_dim() const { return hidden_size / num_q_heads; }
  bool uses_gqa() const { return num_q_heads > num_kv_heads; }
  // Weights of the transformer layers per TP shard (QKV, O, MLP), in parameters (Vidur's counter).
  int64_t layer_params_per_shard(int tp) const;
  // KV-cache bytes per token per TP shard (fp16 K and V, all layers).
  int64_t kv_bytes_per_token(int tp) const;
};

struct GpuSpec {
  std::string name;              // "a100", "h100", "a30" (also the folder of its Vidur profiles)
  double memory_gib = 0;         // Vidur multiplies its "GB" by 1024^3
  double peak_tflops_fp16 = 0;   // dense, Vidur's device SKU value
  double mem_bandwidth_gbs = 0;  // HBM, GB/s (1e9 bytes)
  double pcie_gbs = 0;           // host link, for swap preemption, GB/s
};

const ModelSpec& FindModel(std::string_view name);  // case-insensitive; throws schedkit::Error listing known
const GpuSpec& FindGpu(std::string_view name);
std::vector<std::string> KnownModels();
std::vector<std::string> KnownGpus();

// KV capacity in blocks.
// Default: floor((memory x utilisation - 2 bytes x layer weights - activation reserve) / KV bytes per block).
// With max_request_tokens > 0, Vidur's memory planner instead: max_requests = floor(free / KV bytes of one
// max_request_tokens request) and blocks = max_requests x floor(max_request_tokens / block_size)
// (Qwen2-7B on an A30, margin 0.1, 4096 tokens: 11,008 blocks, against 11,054 without the rounding).
// Throws schedkit::Error when the budget is impossible (weights do not fit, or not one max-length request).
struct KvBudget {
  double gpu_memory_utilization = 0.9;  // Vidur: 1 - memory_margin_fraction (0.1)
  double activation_reserve_gib = 0.0;
  int block_size = 16;
  int32_t max_request_tokens = 0;  // > 0: round down to whole requests of this length (Vidur)
};
int64_t KvCapacityBlocks(const ModelSpec& model, const GpuSpec& gpu, int tp, const KvBudget& budget);

}  // namespace schedkit::sim
