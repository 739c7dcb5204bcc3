// The execution-time model: builds per-operator curves (measured or calibrated roofline), precomputes dense
// lookup tables over Vidur's prediction grid, and predicts an iteration with a few table reads.
#include "schedkit/sim/execution_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "schedkit/sim/execution_roofline.h"
#include "schedkit/sim/profile_roofline.h"
#include "schedkit/sim/profile_tables.h"
#include "schedkit/sim/roofline_profile.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

struct Supported {
  const char* model;
  const char* gpu;
  std::vector<int> tps;
};

const std::vector<Supported>& SupportedList() {
  static const std::vector<Supported> list = {
      {"Llama-2-7B", "a100", {1, 2, 4, 8}},
      {"Llama-2-7B", "h100", {1, 2, 4, 8}},
      {"Llama-2-7B", "a30", {1, 2}},
      {"Llama-3-8B", "a100", {1, 2, 4, 8}},
      {"Llama-2-70B", "a100", {1, 2, 4, 8}},
      {"Llama-2-70B", "h100", {1, 2, 4, 8}},
      {"Qwen2-7B", "a30", {1}},
      {"Qwen2-7B", "a100", {1, 2, 4}},
      {"Qwen2-7B", "h100", {1, 2, 4}},
  };
  return list;
}

// Per-layer operator curves in ms (the slow path, also used to fill the tables).
struct Components {
  std::function<double(double)> linear_ms;   // token-count operators except KV save, by (rounded) tokens
  std::function<double(double)> kv_save_ms;  // by exact tokens
  std::function<double(double)>
      all_reduce_ms;  // one all-reduce incl. launch overhead, by tokens; null at TP 1
  std::function<double(double, double)> prefill_ms;  // (sum kv, effective chunk)
  std::function<double(double, double)> decode_ms;   // (decodes, kv per decode)
  std::vector<OperatorSource> sources;
};

std::string NetworkDevice(const GpuSpec& gpu, int tp, const std::string& node) {
  if (!node.empty() && node != "dgx" && node != "pairwise_nvlink") {
    throw Error(fmt::format(
        "unknown network node '{}'; known: dgx, pairwise_nvlink (or empty for Vidur's default)", node));
  }
  if (gpu.name == "a30") return "a30_single_gpu";
  if (!node.empty()) return fmt::format("{}_{}", gpu.name, node);
  return fmt::format("{}_{}", gpu.name,
                     tp > 4 ? "dgx" : "pairwise_nvlink");  // pairwise NVLink nodes hold 4 GPUs
}

std::string Rel(const std::string& path, const std::string& root) {
  if (path.rfind(root, 0) != 0) return path;
  return fmt::format("<profiles>{}", path.substr(root.size()));
}

std::string Pct(double x) { return fmt::format("{:.1f}%", 100.0 * x); }

std::string Describe(const RooflineTerm& t) {
  std::string s = fmt::format("fixed {:.4f} ms", t.fixed_ms);
  if (t.per_seq_ms != 0) s += fmt::format(", {:.5f} ms/seq", t.per_seq_ms);
  if (t.compute_eff > 0) s += ", compute eff " + Pct(t.compute_eff);
  if (t.memory_eff > 0) s += ", memory eff " + Pct(t.memory_eff);
  return fmt::format("{} (median fit error {} over {} rows)", s, Pct(t.median_rel_error), t.rows);
}

Components Build(const ModelSpec& model, const GpuSpec& gpu, int tp, const ExecutionModelOptions& opt) {
  const std::string root = ProfileRoot(opt.profile_dir);
  Components c;
  auto floor0 = [](double v) { return std::max(0.0, v); };
  const bool clamp = opt.clamp_to_profile;

  // Token-count operators: measured mlp.csv, else a reference model's curve on the same GPU scaled by work
  // ratio.
  std::string mlp_path = FindComputeProfile(root, gpu.name, model.profile_name, "mlp.csv");
  std::vector<std::function<double(double)>> ops;
  if (!mlp_path.empty()) {
    auto mlp = std::make_shared<MlpProfile>(LoadMlpProfile(mlp_path, model, tp, opt.drop_incomplete_rows));
    for (const auto& op : mlp->ops) {
      c.sources.push_back(
          {op.op, TimingTier::kMeasured,
           fmt::format("{} ({} rows{})", Rel(mlp_path, root), op.rows_used,
                       op.rows_dropped
                           ? fmt::format(", {} {} dropped", op.rows_dropped,
                                         opt.drop_incomplete_rows ? "incomplete rows" : "empty medians")
                           : "")});
    }
    c.linear_ms = [mlp, clamp](double n) {
      double t = 0;
      for (const auto& op : mlp->ops) t += clamp ? op.ms_by_tokens.Clamped(n) : op.ms_by_tokens(n);
      return t;
    };
  } else {
    const ModelSpec& ref = FindModel("Llama-2-7B");
    const std::string ref_path = FindComputeProfile(root, gpu.name, ref.profile_name, "mlp.csv");
    if (ref_path.empty() || ref.name == model.name) {
      throw Error(
          fmt::format("no mlp.csv for {} or {} on {} under {}", model.name, ref.name, gpu.name, root));
    }
    auto mlp = std::make_shared<MlpProfile>(LoadMlpProfile(ref_path, ref, tp, opt.drop_incomplete_rows));
    auto ratios = std::make_shared<std::vector<double>>();
    for (const auto& op : mlp->ops) {
      ratios->push_back(LinearOpWorkRatio(op.op, model, ref, tp));
      c.sources.push_back(
          {op.op, TimingTier::kCalibratedRoofline,
           fmt::format("{} work ratio {:.4f} x measured {} curve on {} ({}): efficiency per token "
                       "count taken from the same GPU",
                       model.name, ratios->back(), ref.name, gpu.name, Rel(ref_path, root))});
    }
    c.linear_ms = [mlp, ratios, clamp](double n) {
      double t = 0;
      for (size_t i = 0; i < mlp->ops.size(); ++i) {
        const auto& curve = mlp->ops[i].ms_by_tokens;
        t += (*ratios)[i] * (clamp ? curve.Clamped(n) : curve(n));
      }
      return t;
    };
  }

  // Attention: measured attention.csv, else the roofline fitted on the A30 Qwen2-7B table.
  const std::string att_path = FindComputeProfile(root, gpu.name, model.profile_name, "attention.csv");
  if (!att_path.empty()) {
    auto att = std::make_shared<AttentionProfile>(LoadAttentionProfile(att_path, model, tp, opt.block_size));
    c.prefill_ms = [att, floor0, clamp](double kv, double chunk) {
      return floor0(clamp ? att->prefill_ms.Clamped(chunk * chunk, kv) : att->prefill_ms(chunk * chunk, kv));
    };
    c.decode_ms = [att, floor0, clamp](double b, double kv) {
      return floor0(clamp ? att->decode_ms.Clamped(b, kv) : att->decode_ms(b, kv));
    };
    c.kv_save_ms = [att, floor0, clamp](double n) {
      return floor0(clamp ? att->kv_save_ms.Clamped(n) : att->kv_save_ms(n));
    };
    const std::string rel = Rel(att_path, root);
    c.sources.push_back({"attn_kv_cache_save", TimingTier::kMeasured,
                         fmt::format("{} ({} rows, by max(chunk, batch))", rel, att->kv_save_rows)});
    c.sources.push_back({"attn_prefill", TimingTier::kMeasured,
                         fmt::format("{} ({} rows, on (kv, chunk^2))", rel, att->prefill_rows)});
    c.sources.push_back({"attn_decode", TimingTier::kMeasured,
                         fmt::format("{} ({} rows, on (batch, kv))", rel, att->decode_rows)});
  } else {
    const ModelSpec& cal_model = FindModel("Qwen2-7B");
    const GpuSpec& cal_gpu = FindGpu("a30");
    const std::string cal_path =
        FindComputeProfile(root, cal_gpu.name, cal_model.profile_name, "attention.csv");
    if (cal_path.empty()) {
      throw Error(fmt::format(
          "no attention.csv for {} on {}, and none to calibrate a roofline on ({} on {}) under {}",
          model.name, gpu.name, cal_model.name, cal_gpu.name, root));
    }
    auto fit = std::make_shared<AttentionRoofline>(FitAttentionRoofline(
        LoadAttentionProfile(cal_path, cal_model, 1, opt.block_size), cal_model, cal_gpu));
    std::string splitwise_note = ", no SplitwiseSim calibration";
    if (opt.splitwise_calibration) {
      const SplitwiseCalibration sw = FitSplitwisePrefillScale(root, gpu, *fit, opt.nccl_launch_ms);
      if (sw.points > 0) {
        fit->prefill.scale = sw.scale;
        splitwise_note =
            fmt::format(", then x{:.3f} fitted on {} (Llama-2-70B TP 2 prefill, {} prompt sizes)", sw.scale,
                        Rel(sw.path, root), sw.points);
      } else {
        splitwise_note = fmt::format(", no SplitwiseSim data for {}", gpu.name);
      }
    }
    const ModelSpec m = model;
    const GpuSpec g = gpu;
    c.prefill_ms = [fit, m, g, tp, floor0](double kv, double chunk) {
      return floor0(fit->prefill.Ms(g, 1, PrefillAttentionWork(m, tp, kv, chunk)));
    };
    c.decode_ms = [fit, m, g, tp, floor0](double b, double kv) {
      return floor0(fit->decode.Ms(g, b, DecodeAttentionWork(m, tp, b, kv)));
    };
    c.kv_save_ms = [fit, m, g, tp, floor0](double n) {
      return floor0(fit->kv_save.Ms(g, 0, AttentionWork{0.0, KvSaveBytes(m, tp, n)}));
    };
    const std::string on =
        fmt::format("fitted on {} ({} on {})", Rel(cal_path, root), cal_model.name, cal_gpu.name);
    c.sources.push_back(
        {"attn_kv_cache_save", TimingTier::kCalibratedRoofline, Describe(fit->kv_save) + ", " + on});
    c.sources.push_back({"attn_prefill", TimingTier::kCalibratedRoofline,
                         Describe(fit->prefill) + ", " + on + splitwise_note});
    c.sources.push_back({"attn_decode", TimingTier::kCalibratedRoofline, Describe(fit->decode) + ", " + on});
  }

  if (tp > 1) {
    const std::string dev = NetworkDevice(gpu, tp, opt.network_node);
    const std::string ar_path = FindNetworkProfile(root, dev, "all_reduce.csv");
    if (ar_path.empty()) throw Error(fmt::format("no {}/all_reduce.csv under {}", dev, root));
    auto ar = std::make_shared<AllReduceProfile>(LoadAllReduceProfile(ar_path, tp));
    const double bytes_per_token = 2.0 * model.hidden_size;  // fp16 activations (Vidur: size / (2 h))
    const double launch = opt.nccl_launch_ms;
    c.all_reduce_ms = [ar, bytes_per_token, launch, floor0, clamp](double n) {
      const double bytes = n * bytes_per_token;
      return floor0(clamp ? ar->ms_by_bytes.Clamped(bytes) : ar->ms_by_bytes(bytes)) + launch;
    };
    c.sources.push_back({"all_reduce", TimingTier::kMeasured,
                         fmt::format("{} ({} rows, {} workers, {} per node), 2 per layer, +{} ms launch each",
                                     Rel(ar_path, root), ar->rows, tp, ar->devices_per_node, launch)});
  }
  return c;
}

class TableModel final : public ExecutionTimeModel {
 public:
  TableModel(const ModelSpec& model, int tp, const ExecutionModelOptions& opt, Components c)
      : layers_(model.num_layers),
        tp_(tp),
        opt_(opt),
        gqa_(opt.gqa_overhead && model.uses_gqa()),
        c_(std::move(c)) {
    linear_tab_.resize(kMaxTokens + 1);
    save_tab_.resize(kMaxTokens + 1);
    comm_tab_.assign(kMaxTokens + 1, 0.0);
    for (int n = 1; n <= kMaxTokens; ++n) {
      linear_tab_[n] = std::max(0.0, c_.linear_ms(n));
      save_tab_[n] = c_.kv_save_ms(n);
      if (c_.all_reduce_ms) comm_tab_[n] = 2.0 * c_.all_reduce_ms(n);
    }
    decode_tab_.resize(static_cast<size_t>(kMaxDecodeBatch + 1) * (kMaxDecodeKvSteps + 1));
    for (int b = 1; b <= kMaxDecodeBatch; ++b) {
      for (int k = 0; k <= kMaxDecodeKvSteps; ++k)
        decode_tab_[DecodeIndex(b, k)] = c_.decode_ms(b, kKvStep * k);
    }
    prefill_tab_.resize(static_cast<size_t>(kMaxPrefillKvSteps + 1) * (kMaxChunk + 1));
    for (int k = 0; k <= kMaxPrefillKvSteps; ++k) {
      for (int ch = 1; ch <= kMaxChunk; ++ch)
        prefill_tab_[PrefillIndex(k, ch)] = c_.prefill_ms(kKvStep * k, ch);
    }
  }

  IterationTime Predict(const BatchShape& batch) const override {
    const int64_t n = batch.num_tokens();
    IterationTime out;
    if (n <= 0) return out;
    const int64_t n_lin = opt_.vidur_rounding ? (n + 7) / 8 * 8 : n;
    const double lin = n_lin <= kMaxTokens ? linear_tab_[n_lin] : std::max(0.0, c_.linear_ms(n_lin));
    const double save = n <= kMaxTokens ? save_tab_[n] : c_.kv_save_ms(n);
    double comm = 0.0;
    if (tp_ > 1) comm = n_lin <= kMaxTokens ? comm_tab_[n_lin] : 2.0 * c_.all_reduce_ms(n_lin);

    double att = 0.0;
    if (batch.num_decodes > 0) {
      const int64_t nd = batch.num_decodes;
      double t;
      if (opt_.vidur_rounding) {
        const int64_t kv =
            (batch.decode_context_sum / nd + kKvStep - 1) / kKvStep * kKvStep;  // int(mean), up to 64
        const int64_t k = kv / kKvStep;
        t = (nd <= kMaxDecodeBatch && k <= kMaxDecodeKvSteps) ? decode_tab_[DecodeIndex(nd, k)]
                                                              : c_.decode_ms(nd, kv);
      } else {
        t = c_.decode_ms(nd, static_cast<double>(batch.decode_context_sum) / nd);
      }
      att += t * ((gqa_ && nd > 1) ? 1.1 : 1.0);
    }
    int64_t num_prefills = 0, sum_kv = 0;
    double sum_sq = 0.0;
    for (const auto& p : batch.prefills) {
      if (p.num_tokens <= 0) continue;
      ++num_prefills;
      sum_kv += opt_.vidur_rounding ? (int64_t{p.context_tokens} + kKvStep - 1) / kKvStep * kKvStep
                                    : p.context_tokens;
      sum_sq += static_cast<double>(p.num_tokens) * p.num_tokens;
    }
    if (num_prefills > 0) {
      double t;
      if (opt_.vidur_rounding) {
        const auto chunk = static_cast<int64_t>(std::llround(std::sqrt(sum_sq)));  // round(sqrt(sum c^2))
        const int64_t k = sum_kv / kKvStep;
        t = (k <= kMaxPrefillKvSteps && chunk <= kMaxChunk && chunk >= 1)
                ? prefill_tab_[PrefillIndex(k, chunk)]
                : c_.prefill_ms(sum_kv, chunk);
      } else {
        t = c_.prefill_ms(static_cast<double>(sum_kv), std::sqrt(sum_sq));
      }
      att += t * ((gqa_ && num_prefills > 1) ? 1.1 : 1.0);
    }
    const double to_s = layers_ * 1e-3;
    out.linear = (lin + save) * to_s;
    out.attention = att * to_s;
    out.comm = comm * to_s;
    return out;
  }

  const std::vector<OperatorSource>& Sources() const override { return c_.sources; }

 private:
  // Vidur's prediction grid: tokens 1..4096, decode batch 1..128 (we go to 256) x kv step 64, prefill kv step
  // 64 x chunk 1..4096. Anything beyond is computed from the curves (still allocation-free).
  static constexpr int kMaxTokens = 16384;
  static constexpr int kKvStep = 64;
  static constexpr int kMaxDecodeBatch = 256;
  static constexpr int kMaxDecodeKvSteps = 16384 / kKvStep;
  static constexpr int kMaxPrefillKvSteps = 4096 / kKvStep;
  static constexpr int kMaxChunk = 4096;
  static size_t DecodeIndex(int64_t b, int64_t k) {
    return static_cast<size_t>(b * (kMaxDecodeKvSteps + 1) + k);
  }
  static size_t PrefillIndex(int64_t k, int64_t ch) { return static_cast<size_t>(k * (kMaxChunk + 1) + ch); }

  double layers_;
  int tp_;
  ExecutionModelOptions opt_;
  bool gqa_;
  Components c_;
  std::vector<double> linear_tab_, save_tab_, comm_tab_, decode_tab_, prefill_tab_;
};

}  // namespace

const char* TierName(TimingTier tier) {
  return tier == TimingTier::kMeasured ? "measured" : "calibrated roofline";
}

std::string SupportedCombinations() {
  std::string out;
  for (const auto& s : SupportedList()) {
    std::string tps;
    for (int tp : s.tps) {
      if (!tps.empty()) tps += '/';
      tps += std::to_string(tp);
    }
    if (!out.empty()) out += "; ";
    out += fmt::format("{} on {} TP {}", s.model, s.gpu, tps);
  }
  return out;
}

bool UsesCalibratedRoofline(const ModelSpec& model, const GpuSpec& gpu,
                            const ExecutionModelOptions& options) {
  bool profiled_model = false, profiled_gpu = false;
  for (const auto& s : SupportedList()) {
    profiled_model = profiled_model || model.name == s.model;
    profiled_gpu = profiled_gpu || gpu.name == s.gpu;
  }
  return options.roofline || options.roofline_profile || !profiled_model || !profiled_gpu;
}

std::unique_ptr<ExecutionTimeModel> MakeExecutionModel(const ModelSpec& model, const GpuSpec& gpu, int tp,
                                                       const ExecutionModelOptions& options) {
  if (UsesCalibratedRoofline(model, gpu, options)) {
    const RooflineProfile& profile =
        options.roofline_profile ? *options.roofline_profile : FittedRooflineProfile();
    return MakeRooflineModel(model, gpu, tp, profile.For(options.runtime));
  }
  bool ok = false;
  for (const auto& s : SupportedList()) {
    if (model.name == s.model && gpu.name == s.gpu && std::count(s.tps.begin(), s.tps.end(), tp) > 0)
      ok = true;
  }
  if (!ok) {
    throw Error(fmt::format("no execution-time model for {} on {} at TP {}; supported: {}", model.name,
                            gpu.name, tp, SupportedCombinations()));
  }
  return std::make_unique<TableModel>(model, tp, options, Build(model, gpu, tp, options));
}

}  // namespace schedkit::sim
