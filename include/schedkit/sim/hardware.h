// Model and GPU descriptions, and the KV-cache capacity they leave.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace schedkit::sim {

struct ModelSpec {
  std::string name;  // canonical: "Llama-2-7B", "Llama-3-8B", "Llama-2-70B", "Qwen2-7B", catalogue names
  std::string
      profile_name;  // folder of its Vidur profiles, e.g. "meta-llama/Llama-2-7b-hf" (HF id otherwise)
  int num_layers = 0;
  int hidden_size = 0;
  int num_q_heads = 0;
  int num_kv_heads = 0;
  int ffn_size = 0;  // intermediate size (of the dense MLP layers)
  int vocab_size = 0;
  bool gated_mlp = true;
  // Fields read from a Hugging Face config.json (model_config.cpp). Their defaults describe the four models
  // above, whose numbers stay Vidur's.
  int head_dim_override = 0;       // config `head_dim` when given (0: hidden_size / heads)
  int sliding_window = 0;          // tokens each layer attends to (0: all)
  int num_experts = 0;             // routed experts per MoE layer (0: dense MLP)
  int experts_per_token = 0;       // top-k
  int moe_ffn_size = 0;            // intermediate size of one routed expert
  int shared_expert_ffn_size = 0;  // intermediate size of the shared experts together (0: none)
  int num_dense_layers = 0;        // leading layers with a dense MLP in an MoE model (DeepSeek)
  int kv_lora_rank = 0;            // multi-head latent attention: compressed KV width (0: standard)
  int q_lora_rank = 0;             // MLA query compression (0: full-rank query projection)
  int qk_rope_head_dim = 0;        // MLA rotary part of each head (cached beside the latent)
  int qk_nope_head_dim = 0;        // MLA non-rotary query/key part of each head
  int v_head_dim = 0;              // MLA value head size
  bool tied_embeddings = false;    // LM head shares the embedding matrix
  int weight_bytes = 2;            // per parameter (bf16/fp16 2, fp8 1)
  int kv_cache_bytes = 2;          // per cached K or V element (fp16/bf16 2, fp8 1)
  bool count_embeddings = false;   // weight memory includes embedding and LM head (not in Vidur's counter)
  std::string source;              // where the numbers come from (config.json path or model card)

  int head_dim() const { return head_dim_override > 0 ? head_dim_override : hidden_size / num_q_heads; }
  bool uses_gqa() const { return num_q_heads > num_kv_heads; }
  bool is_moe() const { return num_experts > 0; }
  bool is_mla() const { return kv_lora_rank > 0; }
  // Weights of the transformer layers per TP shard (QKV, O, MLP), in parameters (Vidur's counter). MoE
  // layers count every expert (sharded by TP) and the router; MLA counts its low-rank projections.
  int64_t layer_params_per_shard(int tp) const;
  // Embedding and LM head parameters per TP shard (vocabulary-parallel), once when tied.
  int64_t embedding_params_per_shard(int tp) const;
  // Weight bytes resident on one TP shard: layers, plus embeddings when count_embeddings.
  double weight_bytes_per_shard(int tp) const;
  // KV-cache bytes per token per TP shard (K and V, all layers; MLA: the latent and the rotary key,
  // replicated on every shard).
  int64_t kv_bytes_per_token(int tp) const;
};

struct GpuSpec {
  std::string name;       // "a100", "h100", "a30" (also the folder of its Vidur profiles), catalogue names
  double memory_gib = 0;  // Vidur multiplies its "GB" by 1024^3
  double peak_tflops_fp16 = 0;   // dense, Vidur's device SKU value
  double mem_bandwidth_gbs = 0;  // HBM, GB/s (1e9 bytes)
  double pcie_gbs = 0;           // host link, for swap preemption, GB/s
  double peak_tflops_fp8 = 0;    // dense fp8 tensor TFLOPS (0: no fp8 tensor cores)
  double nvlink_gbs = 0;         // GPU-to-GPU NVLink bandwidth per GPU, both directions (0: PCIe only)
  std::string source;            // public datasheet the numbers come from
};

// Models: a catalogue name or alias (case-insensitive, with or without the Hugging Face organisation, e.g.
// "Llama-3.1-8B" = "meta-llama/Llama-3.1-8B"), or a path to a config.json (or a folder holding one).
// Optional dtype suffix: "NAME@weights=fp8,kv=fp8" (bf16, fp16, fp8). Throws schedkit::Error listing the
// known names, or naming the file and field of a config it cannot read. The reference stays valid for the
// life of the program.
const ModelSpec& FindModel(std::string_view name);
// GPUs: a catalogue name or alias, or a path to a JSON file with one GPU entry (data/gpus/README.md).
const GpuSpec& FindGpu(std::string_view name);
std::vector<std::string> KnownModels();
std::vector<std::string> KnownGpus();

// A Hugging Face config.json read into a ModelSpec (`path` names the file in errors). Throws schedkit::Error
// naming the file and field when a needed field is missing or malformed, or the architecture is not
// modelled.
ModelSpec ModelFromConfigJson(const std::string& json_text, const std::string& path);
// One GPU entry (the data/gpus/gpus.json form) read into a GpuSpec; errors name the file and field.
GpuSpec GpuFromJson(const std::string& json_text, const std::string& path);
// Root of the bundled data: util::DataDir() ($SCHEDKIT_DATA_DIR, else the install layout, else the source
// tree's data/).
std::string DataRoot();

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
