// Model and GPU tables, name lookup, and Vidur's memory planner.
#include "schedkit/sim/hardware.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

#include "catalogue.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

// Hugging Face configs (config.json of each model). Qwen2-7B keeps the vocab of the A30 profile rows
// (151,936); vocab has no effect on timing or on Vidur's parameter counter (no embedding / LM head).
ModelSpec Builtin(const char* name, const char* profile, int layers, int hidden, int q, int kv, int ffn,
                  int vocab, const char* source) {
  ModelSpec m;
  m.name = name;
  m.profile_name = profile;
  m.num_layers = layers;
  m.hidden_size = hidden;
  m.num_q_heads = q;
  m.num_kv_heads = kv;
  m.ffn_size = ffn;
  m.vocab_size = vocab;
  m.source = source;
  return m;
}

// Vidur's four models keep Vidur's parameter counter (no embeddings in the weight memory), so that their KV
// capacities and step times stay those of the Vidur profiles.
const std::vector<ModelSpec>& Models() {
  static const std::vector<ModelSpec> models = {
      Builtin("Llama-2-7B", "meta-llama/Llama-2-7b-hf", 32, 4096, 32, 32, 11008, 32000,
              "config.json of meta-llama/Llama-2-7b-hf; Vidur profile meta-llama/Llama-2-7b-hf"),
      Builtin("Llama-3-8B", "meta-llama/Meta-Llama-3-8B", 32, 4096, 32, 8, 14336, 128256,
              "config.json of meta-llama/Meta-Llama-3-8B; Vidur profile"),
      Builtin("Llama-2-70B", "meta-llama/Llama-2-70b-hf", 80, 8192, 64, 8, 28672, 32000,
              "config.json of meta-llama/Llama-2-70b-hf; Vidur profile"),
      Builtin("Qwen2-7B", "Qwen/Qwen-2-7B", 28, 3584, 28, 4, 18944, 151936,
              "config.json of Qwen/Qwen2-7B (vocabulary of the A30 Vidur profile rows)"),
  };
  return models;
}

const std::vector<std::vector<std::string>>& ModelAliases() {
  static const std::vector<std::vector<std::string>> aliases = {
      {"llama-2-7b", "llama2-7b", "meta-llama/llama-2-7b-hf", "llama-2-7b-hf", "meta-llama/llama-2-7b"},
      {"llama-3-8b", "llama3-8b", "meta-llama/meta-llama-3-8b", "meta-llama-3-8b", "meta-llama/llama-3-8b"},
      {"llama-2-70b", "llama2-70b", "meta-llama/llama-2-70b-hf", "llama-2-70b-hf", "meta-llama/llama-2-70b"},
      {"qwen2-7b", "qwen-2-7b", "qwen/qwen-2-7b", "qwen/qwen2-7b"},
  };
  return aliases;
}

// Peak dense fp16 TFLOPS as in Vidur's device SKUs (a30 from the AKafakA fork); bandwidths from NVIDIA's data
// sheets: A100 80GB SXM 2,039 GB/s HBM2e, PCIe 4.0 x16; H100 SXM 3,350 GB/s HBM3, PCIe 5.0 x16; A30 933 GB/s.
GpuSpec BuiltinGpu(const char* name, double gib, double tflops, double hbm, double pcie, double fp8,
                   double nvlink, const char* source) {
  GpuSpec g;
  g.name = name;
  g.memory_gib = gib;
  g.peak_tflops_fp16 = tflops;
  g.mem_bandwidth_gbs = hbm;
  g.pcie_gbs = pcie;
  g.peak_tflops_fp8 = fp8;
  g.nvlink_gbs = nvlink;
  g.source = source;
  return g;
}

// NVLink and fp8 figures: NVIDIA A100 (NVLink 600 GB/s), H100 SXM (NVLink 900 GB/s, fp8 1,979 dense TFLOPS)
// and A30 (NVLink bridge 200 GB/s) data sheets.
const std::vector<GpuSpec>& Gpus() {
  static const std::vector<GpuSpec> gpus = {
      BuiltinGpu("a100", 80, 312, 2039, 32, 0, 600, "NVIDIA A100 80GB SXM data sheet; Vidur device SKU a100"),
      BuiltinGpu("h100", 80, 1000, 3350, 64, 1979, 900, "NVIDIA H100 SXM data sheet; Vidur device SKU h100"),
      BuiltinGpu("a30", 24, 165, 933, 32, 0, 200,
                 "NVIDIA A30 data sheet; Vidur device SKU a30 (AKafakA fork)"),
  };
  return gpus;
}

const std::vector<std::vector<std::string>>& GpuAliases() {
  static const std::vector<std::vector<std::string>> aliases = {
      {"a100", "a100-80gb", "a100_80gb", "nvidia-a100", "a100-sxm4-80gb", "a100-sxm-80gb"},
      {"h100", "h100-80gb", "h100_80gb", "nvidia-h100", "h100-sxm", "h100-sxm-80gb", "h100-sxm5-80gb"},
      {"a30", "a30-24gb", "a30_24gb", "nvidia-a30"},
  };
  return aliases;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

void CheckTp(const ModelSpec& model, int tp) {
  if (tp < 1 || model.num_q_heads % tp != 0 || model.hidden_size % tp != 0) {
    throw Error(fmt::format("tensor-parallel degree {} does not divide {} ({} query heads, hidden size {})",
                            tp, model.name, model.num_q_heads, model.hidden_size));
  }
}

}  // namespace

int64_t ModelSpec::layer_params_per_shard(int tp) const {
  CheckTp(*this, tp);
  const int64_t h = hidden_size;
  const int64_t q_heads = num_q_heads / tp;
  int64_t attn = 0;
  if (is_mla()) {
    // DeepSeek-V2/V3: q (optionally through a q_lora_rank bottleneck), the shared KV down-projection to
    // kv_lora_rank + the rotary key, the per-head up-projection to K (nope) and V, and O.
    const int64_t qk = qk_nope_head_dim + qk_rope_head_dim;
    const int64_t q =
        q_lora_rank > 0 ? h * q_lora_rank + int64_t{q_lora_rank} * q_heads * qk : h * q_heads * qk;
    const int64_t kv_down = h * (kv_lora_rank + qk_rope_head_dim);
    const int64_t kv_up = int64_t{kv_lora_rank} * q_heads * (qk_nope_head_dim + v_head_dim);
    attn = q + kv_down + kv_up + q_heads * v_head_dim * h;
  } else {
    const int64_t d = head_dim();
    const int64_t kv_heads = (num_kv_heads + tp - 1) / tp;  // KV heads are replicated when tp > kv heads
    attn = h * d * (q_heads + 2 * kv_heads) + h * d * q_heads;
  }
  const int64_t mats = gated_mlp ? 3 : 2;
  const int64_t dense_mlp = mats * h * static_cast<int64_t>(ffn_size) / tp;
  if (!is_moe()) return (attn + dense_mlp) * num_layers;
  const int64_t moe_mlp = mats * h * int64_t{moe_ffn_size} * num_experts / tp +
                          mats * h * int64_t{shared_expert_ffn_size} / tp + h * num_experts;  // + router
  const int64_t dense = std::min(num_dense_layers, num_layers);
  return (attn + dense_mlp) * dense + (attn + moe_mlp) * (num_layers - dense);
}

int64_t ModelSpec::embedding_params_per_shard(int tp) const {
  CheckTp(*this, tp);
  const int64_t rows = (int64_t{vocab_size} + tp - 1) / tp;
  return rows * hidden_size * (tied_embeddings ? 1 : 2);
}

double ModelSpec::weight_bytes_per_shard(int tp) const {
  double params = static_cast<double>(layer_params_per_shard(tp));
  if (count_embeddings) params += static_cast<double>(embedding_params_per_shard(tp));
  return static_cast<double>(weight_bytes) * params;
}

int64_t ModelSpec::kv_bytes_per_token(int tp) const {
  CheckTp(*this, tp);
  if (is_mla()) return int64_t{kv_cache_bytes} * (kv_lora_rank + qk_rope_head_dim) * num_layers;
  const int64_t kv_heads = (num_kv_heads + tp - 1) / tp;
  return int64_t{2} * kv_cache_bytes * head_dim() * kv_heads * num_layers;
}

const ModelSpec& FindModel(std::string_view name) {
  const std::string key = Lower(name);
  const auto& models = Models();
  for (size_t i = 0; i < models.size(); ++i) {
    if (Lower(models[i].name) == key) return models[i];
    for (const auto& alias : ModelAliases()[i]) {
      if (alias == key) return models[i];
    }
  }
  if (const ModelSpec* m = FindCatalogueModel(name)) return *m;
  throw Error(
      fmt::format("unknown model '{}' (not in the catalogue {}, and not a config.json); known models: {}",
                  name, CatalogueModelsPath(), Join(KnownModels())));
}

const GpuSpec& FindGpu(std::string_view name) {
  const std::string key = Lower(name);
  const auto& gpus = Gpus();
  for (size_t i = 0; i < gpus.size(); ++i) {
    for (const auto& alias : GpuAliases()[i]) {
      if (alias == key) return gpus[i];
    }
  }
  if (const GpuSpec* g = FindCatalogueGpu(name)) return *g;
  throw Error(fmt::format("unknown GPU '{}' (not in the catalogue {}, and not a JSON file); known GPUs: {}",
                          name, CatalogueGpusPath(), Join(KnownGpus())));
}

std::vector<std::string> KnownModels() {
  std::vector<std::string> names;
  for (const auto& m : Models()) names.push_back(m.name);
  for (const auto& n : CatalogueModelNames()) names.push_back(n);
  return names;
}

std::vector<std::string> KnownGpus() {
  std::vector<std::string> names;
  for (const auto& g : Gpus()) names.push_back(g.name);
  for (const auto& n : CatalogueGpuNames()) names.push_back(n);
  return names;
}

int64_t KvCapacityBlocks(const ModelSpec& model, const GpuSpec& gpu, int tp, const KvBudget& budget) {
  if (budget.block_size < 1) throw Error(fmt::format("block size must be >= 1, got {}", budget.block_size));
  if (!(budget.gpu_memory_utilization > 0 && budget.gpu_memory_utilization <= 1)) {
    throw Error(
        fmt::format("GPU memory utilisation must be in (0, 1], got {}", budget.gpu_memory_utilization));
  }
  constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
  const double available = gpu.memory_gib * kGiB * budget.gpu_memory_utilization;
  const double weights = model.weight_bytes_per_shard(tp);
  const double reserve = budget.activation_reserve_gib * kGiB;
  const double free_bytes = available - weights - reserve;
  const double kv_per_token = static_cast<double>(model.kv_bytes_per_token(tp));
  const std::string budget_text = fmt::format(
      "{} on {} (TP {}): {:.0f} B usable ({} GiB x {}), {:.0f} B of {}weights, {:.0f} B activation "
      "reserve",
      model.name, gpu.name, tp, available, gpu.memory_gib, budget.gpu_memory_utilization, weights,
      model.count_embeddings ? "" : "layer ", reserve);
  if (free_bytes <= 0) throw Error("KV budget impossible, the weights do not fit: " + budget_text);
  if (budget.max_request_tokens > 0) {
    const double per_request = kv_per_token * budget.max_request_tokens;
    const auto requests = static_cast<int64_t>(std::floor(free_bytes / per_request));
    if (requests < 1) {
      throw Error(fmt::format("KV budget impossible, not even one {}-token request fits ({:.0f} B each): {}",
                              budget.max_request_tokens, per_request, budget_text));
    }
    return requests * (budget.max_request_tokens / budget.block_size);
  }
  const auto blocks = static_cast<int64_t>(std::floor(free_bytes / (kv_per_token * budget.block_size)));
  if (blocks < 1) throw Error("KV budget impossible, not one block fits: " + budget_text);
  return blocks;
}

}  // namespace schedkit::sim
