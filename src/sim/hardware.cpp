// Model and GPU tables, name lookup, and Vidur's memory planner.
#include "schedkit/sim/hardware.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

struct Named {
  std::vector<std::string> aliases;  // lower case, compared after lowering the query
};

// Hugging Face configs (config.json of each model). Qwen2-7B keeps the vocab of the A30 profile rows
// (151,936); vocab has no effect on timing or on Vidur's parameter counter (no embedding / LM head).
const std::vector<ModelSpec>& Models() {
  static const std::vector<ModelSpec> models = {
      {"Llama-2-7B", "meta-llama/Llama-2-7b-hf", 32, 4096, 32, 32, 11008, 32000, true},
      {"Llama-3-8B", "meta-llama/Meta-Llama-3-8B", 32, 4096, 32, 8, 14336, 128256, true},
      {"Llama-2-70B", "meta-llama/Llama-2-70b-hf", 80, 8192, 64, 8, 28672, 32000, true},
      {"Qwen2-7B", "Qwen/Qwen-2-7B", 28, 3584, 28, 4, 18944, 151936, true},
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
const std::vector<GpuSpec>& Gpus() {
  static const std::vector<GpuSpec> gpus = {
      {"a100", 80, 312, 2039, 32},
      {"h100", 80, 1000, 3350, 64},
      {"a30", 24, 165, 933, 32},
  };
  return gpus;
}

const std::vector<std::vector<std::string>>& GpuAliases() {
  static const std::vector<std::vector<std::string>> aliases = {
      {"a100", "a100-80gb", "a100_80gb", "nvidia-a100", "a100-sxm4-80gb"},
      {"h100", "h100-80gb", "h100_80gb", "nvidia-h100", "h100-sxm"},
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
  const int64_t d = head_dim();
  const int64_t q_heads = num_q_heads / tp;
  const int64_t kv_heads = (num_kv_heads + tp - 1) / tp;  // KV heads are replicated when tp > kv heads
  const int64_t qkv = h * d * (q_heads + 2 * kv_heads);
  const int64_t out = h * d * q_heads;
  const int64_t mlp = (gated_mlp ? 3 : 2) * h * static_cast<int64_t>(ffn_size) / tp;
  return (qkv + out + mlp) * num_layers;
}

int64_t ModelSpec::kv_bytes_per_token(int tp) const {
  CheckTp(*this, tp);
  const int64_t kv_heads = (num_kv_heads + tp - 1) / tp;
  return int64_t{2} * 2 * head_dim() * kv_heads * num_layers;
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
  throw Error(fmt::format("unknown model '{}'; known models: {}", name, Join(KnownModels())));
}

const GpuSpec& FindGpu(std::string_view name) {
  const std::string key = Lower(name);
  const auto& gpus = Gpus();
  for (size_t i = 0; i < gpus.size(); ++i) {
    for (const auto& alias : GpuAliases()[i]) {
      if (alias == key) return gpus[i];
    }
  }
  throw Error(fmt::format("unknown GPU '{}'; known GPUs: {}", name, Join(KnownGpus())));
}

std::vector<std::string> KnownModels() {
  std::vector<std::string> names;
  for (const auto& m : Models()) names.push_back(m.name);
  return names;
}

std::vector<std::string> KnownGpus() {
  std::vector<std::string> names;
  for (const auto& g : Gpus()) names.push_back(g.name);
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
  const double weights = 2.0 * static_cast<double>(model.layer_params_per_shard(tp));
  const double reserve = budget.activation_reserve_gib * kGiB;
  const double free_bytes = available - weights - reserve;
  const double kv_per_token = static_cast<double>(model.kv_bytes_per_token(tp));
  const std::string budget_text = fmt::format(
      "{} on {} (TP {}): {:.0f} B usable ({} GiB x {}), {:.0f} B of layer weights, {:.0f} B activation "
      "reserve",
      model.name, gpu.name, tp, available, gpu.memory_gib, budget.gpu_memory_utilization, weights, reserve);
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
