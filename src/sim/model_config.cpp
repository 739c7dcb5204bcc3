// Hugging Face config.json -> ModelSpec: dense, GQA, head_dim, sliding window, MoE (Mixtral, Qwen-MoE,
// DeepSeek), multi-head latent attention (DeepSeek-V2/V3), tied embeddings, weight dtype.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <string>

#include "schedkit/sim/hardware.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

using nlohmann::json;

// model_type values whose layers are the pre-norm decoder this model describes (gated SiLU MLP or MoE,
// rotary attention).
constexpr std::array<std::string_view, 11> kModelTypes = {
    "llama",     "mistral",     "mixtral",     "qwen2", "qwen2_moe", "qwen3",
    "qwen3_moe", "deepseek_v2", "deepseek_v3", "yi",    "granite"};

class Reader {
 public:
  Reader(const json& j, const std::string& path) : j_(j), path_(path) {}

  bool Has(const char* field) const { return j_.contains(field) && !j_.at(field).is_null(); }

  int Int(const char* field) const {
    if (!Has(field)) throw Error(fmt::format("{}: missing field '{}'", path_, field));
    return Positive(field, j_.at(field));
  }
  int IntOr(const char* field, int fallback) const {
    return Has(field) ? Positive(field, j_.at(field)) : fallback;
  }
  bool BoolOr(const char* field, bool fallback) const {
    if (!Has(field)) return fallback;
    if (!j_.at(field).is_boolean())
      throw Error(fmt::format("{}: field '{}' must be true or false", path_, field));
    return j_.at(field).get<bool>();
  }
  std::string StringOr(const char* field, const std::string& fallback) const {
    if (!Has(field)) return fallback;
    if (!j_.at(field).is_string()) throw Error(fmt::format("{}: field '{}' must be a string", path_, field));
    return j_.at(field).get<std::string>();
  }
  const json& At(const char* field) const { return j_.at(field); }

 private:
  int Positive(const char* field, const json& v) const {
    if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > (int64_t{1} << 30)) {
      throw Error(
          fmt::format("{}: field '{}' must be a non-negative integer, got {}", path_, field, v.dump()));
    }
    return v.get<int>();
  }
  const json& j_;
  const std::string& path_;
};

int DtypeBytes(const std::string& dtype, const std::string& path, const char* field) {
  if (dtype == "bfloat16" || dtype == "float16" || dtype == "bf16" || dtype == "fp16" || dtype == "half" ||
      dtype == "float32") {
    return 2;  // float32 checkpoints are served in 16 bits (vLLM's dtype "auto" casts them to fp16/bf16)
  }
  if (dtype == "fp8" || dtype == "float8" || dtype == "float8_e4m3fn" || dtype == "fp8_e4m3") return 1;
  throw Error(
      fmt::format("{}: field '{}' has dtype '{}'; modelled: bfloat16, float16, fp8", path, field, dtype));
}

}  // namespace

ModelSpec ModelFromConfigJson(const std::string& json_text, const std::string& path) {
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::parse_error& e) {
    throw Error(fmt::format("{}: not valid JSON: {}", path, e.what()));
  }
  if (!j.is_object())
    throw Error(fmt::format("{}: expected a JSON object (a Hugging Face config.json)", path));
  const Reader r(j, path);
  const std::string type = r.StringOr("model_type", "");
  if (type.empty()) throw Error(fmt::format("{}: missing field 'model_type'", path));
  if (std::find(kModelTypes.begin(), kModelTypes.end(), type) == kModelTypes.end()) {
    std::string known;
    for (auto t : kModelTypes) known += (known.empty() ? "" : ", ") + std::string(t);
    throw Error(
        fmt::format("{}: field 'model_type' is '{}', an architecture schedkit does not model; modelled: {}",
                    path, type, known));
  }
  ModelSpec m;
  m.profile_name = r.StringOr("_name_or_path", "");
  m.source = path;
  m.num_layers = r.Int("num_hidden_layers");
  m.hidden_size = r.Int("hidden_size");
  m.num_q_heads = r.Int("num_attention_heads");
  m.num_kv_heads = r.IntOr("num_key_value_heads", m.num_q_heads);
  m.vocab_size = r.Int("vocab_size");
  m.gated_mlp = true;
  m.head_dim_override = r.IntOr("head_dim", 0);
  if (m.num_layers < 1 || m.hidden_size < 1 || m.num_q_heads < 1 || m.num_kv_heads < 1) {
    throw Error(
        fmt::format("{}: num_hidden_layers, hidden_size, num_attention_heads and num_key_value_heads must "
                    "be >= 1",
                    path));
  }
  if (m.head_dim_override == 0 && m.hidden_size % m.num_q_heads != 0) {
    throw Error(fmt::format("{}: missing field 'head_dim' (hidden_size {} is not a multiple of {} heads)",
                            path, m.hidden_size, m.num_q_heads));
  }
  if (r.BoolOr("use_sliding_window", true)) m.sliding_window = r.IntOr("sliding_window", 0);
  m.tied_embeddings = r.BoolOr("tie_word_embeddings", false);

  // Mixture of experts: Mixtral's num_local_experts, Qwen's num_experts, DeepSeek's n_routed_experts.
  m.num_experts = r.IntOr("num_local_experts", r.IntOr("num_experts", r.IntOr("n_routed_experts", 0)));
  if (m.num_experts > 0) {
    m.experts_per_token = r.Int("num_experts_per_tok");
    m.moe_ffn_size =
        r.Has("moe_intermediate_size") ? r.Int("moe_intermediate_size") : r.Int("intermediate_size");
    m.ffn_size = r.IntOr("intermediate_size", m.moe_ffn_size);
    if (r.Has("n_shared_experts")) m.shared_expert_ffn_size = r.Int("n_shared_experts") * m.moe_ffn_size;
    m.shared_expert_ffn_size = r.IntOr("shared_expert_intermediate_size", m.shared_expert_ffn_size);
    m.num_dense_layers = r.IntOr("first_k_dense_replace", 0);
    if (r.IntOr("decoder_sparse_step", 1) != 1 ||
        (r.Has("mlp_only_layers") && !r.At("mlp_only_layers").empty())) {
      throw Error(
          fmt::format("{}: fields 'decoder_sparse_step' / 'mlp_only_layers' interleave dense and MoE "
                      "layers, which schedkit does not model",
                      path));
    }
    if (m.experts_per_token < 1 || m.experts_per_token > m.num_experts) {
      throw Error(fmt::format("{}: field 'num_experts_per_tok' must be in [1, {}]", path, m.num_experts));
    }
  } else {
    m.ffn_size = r.Int("intermediate_size");
  }

  // Multi-head latent attention (DeepSeek-V2/V3): the cache holds kv_lora_rank + qk_rope_head_dim per token.
  if (r.Has("kv_lora_rank")) {
    m.kv_lora_rank = r.Int("kv_lora_rank");
    m.q_lora_rank = r.IntOr("q_lora_rank", 0);
    m.qk_rope_head_dim = r.Int("qk_rope_head_dim");
    m.qk_nope_head_dim = r.Int("qk_nope_head_dim");
    m.v_head_dim = r.Int("v_head_dim");
    m.head_dim_override = m.qk_nope_head_dim + m.qk_rope_head_dim;
  }

  m.weight_bytes =
      DtypeBytes(r.StringOr("torch_dtype", r.StringOr("dtype", "bfloat16")), path, "torch_dtype");
  if (r.Has("quantization_config")) {
    const json& q = r.At("quantization_config");
    const std::string method = q.is_object() && q.contains("quant_method") && q["quant_method"].is_string()
                                   ? q["quant_method"].get<std::string>()
                                   : "";
    const bool fp8 = method == "fp8" || method == "fbgemm_fp8" ||
                     (method == "compressed-tensors" && q.dump().find("\"float\"") != std::string::npos &&
                      q.dump().find("\"num_bits\":8") != std::string::npos);
    if (!fp8) {
      throw Error(
          fmt::format("{}: field 'quantization_config.quant_method' is '{}'; modelled: fp8 (weights of 1 "
                      "byte)",
                      path, method));
    }
    m.weight_bytes = 1;
  }
  m.count_embeddings = true;
  return m;
}

}  // namespace schedkit::sim
