// Tier 2: roofline work of the attention and token-count operators, and its fit on measured profiles.
#include "schedkit/sim/profile_roofline.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

constexpr double kBytesPerValue = 2.0;  // fp16

struct Heads {
  double q, kv, d;
};
Heads ShardHeads(const ModelSpec& model, int tp) {
  return {static_cast<double>(model.num_q_heads / tp),
          static_cast<double>((model.num_kv_heads + tp - 1) / tp), static_cast<double>(model.head_dim())};
}

double FlopsPerMs(const GpuSpec& gpu) { return gpu.peak_tflops_fp16 * 1e9; }
double BytesPerMs(const GpuSpec& gpu) { return gpu.mem_bandwidth_gbs * 1e6; }

// Minimises sum(((x_i . theta + offset_i) - t_i) / t_i)^2 over the columns in `active`, theta >= 0 (a
// negative coefficient is dropped and the rest refitted). Returns theta (0 for dropped columns).
template <size_t K>
std::array<double, K> FitRelative(const std::vector<std::array<double, K>>& x,
                                  const std::vector<double>& offset, const std::vector<double>& t,
                                  std::array<bool, K> active) {
  std::array<double, K> theta{};
  for (size_t attempt = 0; attempt <= K; ++attempt) {
    std::vector<size_t> cols;
    for (size_t k = 0; k < K; ++k) {
      if (active[k]) cols.push_back(k);
    }
    const size_t n = cols.size();
    std::vector<double> a(n * n, 0.0), b(n, 0.0);
    for (size_t i = 0; i < x.size(); ++i) {
      const double w = 1.0 / (t[i] * t[i]);
      for (size_t r = 0; r < n; ++r) {
        b[r] += w * x[i][cols[r]] * (t[i] - offset[i]);
        for (size_t c = 0; c < n; ++c) a[r * n + c] += w * x[i][cols[r]] * x[i][cols[c]];
      }
    }
    // Gaussian elimination with partial pivoting (n <= 4).
    for (size_t c = 0; c < n; ++c) {
      size_t piv = c;
      for (size_t r = c + 1; r < n; ++r) {
        if (std::abs(a[r * n + c]) > std::abs(a[piv * n + c])) piv = r;
      }
      for (size_t k = 0; k < n; ++k) std::swap(a[c * n + k], a[piv * n + k]);
      std::swap(b[c], b[piv]);
      if (a[c * n + c] == 0.0) throw Error("roofline fit: singular system");
      for (size_t r = c + 1; r < n; ++r) {
        const double f = a[r * n + c] / a[c * n + c];
        for (size_t k = c; k < n; ++k) a[r * n + k] -= f * a[c * n + k];
        b[r] -= f * b[c];
      }
    }
    std::vector<double> sol(n, 0.0);
    for (size_t r = n; r-- > 0;) {
      double s = b[r];
      for (size_t k = r + 1; k < n; ++k) s -= a[r * n + k] * sol[k];
      sol[r] = s / a[r * n + r];
    }
    theta = {};
    bool negative = false;
    size_t worst = 0;
    for (size_t r = 0; r < n; ++r) {
      theta[cols[r]] = sol[r];
      if (sol[r] < 0 && (!negative || sol[r] < theta[worst])) {
        negative = true;
        worst = cols[r];
      }
    }
    if (!negative) return theta;
    active[worst] = false;
    theta[worst] = 0.0;
  }
  return theta;
}

template <size_t K>
double MedianRelError(const std::vector<std::array<double, K>>& x, const std::vector<double>& offset,
                      const std::vector<double>& t, const std::array<double, K>& theta) {
  std::vector<double> err;
  for (size_t i = 0; i < x.size(); ++i) {
    double p = offset[i];
    for (size_t k = 0; k < K; ++k) p += x[i][k] * theta[k];
    err.push_back(std::abs(p - t[i]) / t[i]);
  }
  if (err.empty()) return 0.0;
  std::nth_element(err.begin(), err.begin() + static_cast<std::ptrdiff_t>(err.size() / 2), err.end());
  return err[err.size() / 2];
}

double EffFromCoef(double coef, double per_ms) { return coef > 0 ? 1.0 / (coef * per_ms) : 0.0; }

}  // namespace

AttentionWork PrefillAttentionWork(const ModelSpec& model, int tp, double kv, double chunk) {
  const Heads h = ShardHeads(model, tp);
  const double pairs = chunk * kv + chunk * (chunk + 1.0) / 2.0;  // (query, key) pairs under the causal mask
  AttentionWork w;
  w.flops = 4.0 * h.d * h.q * pairs;  // QK^T and PV, 2 flops per multiply-add
  w.bytes = kBytesPerValue *
            ((kv + chunk) * 2.0 * h.d * h.kv + 2.0 * chunk * h.d * h.q);  // K,V read; Q read, O write
  return w;
}

AttentionWork DecodeAttentionWork(const ModelSpec& model, int tp, double batch, double kv) {
  const Heads h = ShardHeads(model, tp);
  AttentionWork w;
  w.flops = 4.0 * h.d * h.q * batch * kv;
  w.bytes = kBytesPerValue * batch * (kv * 2.0 * h.d * h.kv + 2.0 * h.d * h.q);
  return w;
}

double KvSaveBytes(const ModelSpec& model, int tp, double tokens) {
  const Heads h = ShardHeads(model, tp);
  return 2.0 * kBytesPerValue * tokens * 2.0 * h.d * h.kv;  // read the new K,V and write them to their blocks
}

double RooflineTerm::Ms(const GpuSpec& gpu, double batch, const AttentionWork& work) const {
  double t = fixed_ms + per_seq_ms * batch;
  if (compute_eff > 0) t += work.flops / (FlopsPerMs(gpu) * compute_eff);
  if (memory_eff > 0) t += work.bytes / (BytesPerMs(gpu) * memory_eff);
  return scale * t;
}

AttentionRoofline FitAttentionRoofline(const AttentionProfile& profile, const ModelSpec& model,
                                       const GpuSpec& gpu, int tp) {
  AttentionRoofline fit;
  fit.calibrated_on = profile.path;
  // Prefill: t = fixed + flops/(P eta_c) + bytes/(W eta_m) over the profiled (chunk, kv) points.
  {
    std::vector<std::array<double, 3>> x;
    std::vector<double> off, t;
    const auto& rows = profile.prefill_ms.rows();
    for (size_t r = 0; r < rows.size(); ++r) {
      const double chunk = std::sqrt(profile.prefill_ms.row_x()[r]);
      for (size_t i = 0; i < rows[r].size(); ++i) {
        const AttentionWork w = PrefillAttentionWork(model, tp, rows[r].xs()[i], chunk);
        x.push_back({1.0, w.flops, w.bytes});
        off.push_back(0.0);
        t.push_back(rows[r].ys()[i]);
      }
    }
    const auto th = FitRelative<3>(x, off, t, {true, true, true});
    fit.prefill.fixed_ms = th[0];
    fit.prefill.compute_eff = EffFromCoef(th[1], FlopsPerMs(gpu));
    fit.prefill.memory_eff = EffFromCoef(th[2], BytesPerMs(gpu));
    fit.prefill.median_rel_error = MedianRelError<3>(x, off, t, th);
    fit.prefill.rows = static_cast<int64_t>(t.size());
  }
  // Decode: t = fixed + per_seq x batch + flops/(P eta_c of prefill) + bytes/(W eta_m); FLOPs and bytes are
  // nearly collinear for one model, so the compute efficiency is the prefill's.
  {
    std::vector<std::array<double, 3>> x;
    std::vector<double> off, t;
    const auto& rows = profile.decode_ms.rows();
    for (size_t r = 0; r < rows.size(); ++r) {
      const double batch = profile.decode_ms.row_x()[r];
      for (size_t i = 0; i < rows[r].size(); ++i) {
        const AttentionWork w = DecodeAttentionWork(model, tp, batch, rows[r].xs()[i]);
        x.push_back({1.0, batch, w.bytes});
        off.push_back(fit.prefill.compute_eff > 0 ? w.flops / (FlopsPerMs(gpu) * fit.prefill.compute_eff)
                                                  : 0.0);
        t.push_back(rows[r].ys()[i]);
      }
    }
    const auto th = FitRelative<3>(x, off, t, {true, true, true});
    fit.decode.fixed_ms = th[0];
    fit.decode.per_seq_ms = th[1];
    fit.decode.compute_eff = fit.prefill.compute_eff;
    fit.decode.memory_eff = EffFromCoef(th[2], BytesPerMs(gpu));
    fit.decode.median_rel_error = MedianRelError<3>(x, off, t, th);
    fit.decode.rows = static_cast<int64_t>(t.size());
  }
  // KV save: t = fixed + bytes/(W eta_m) over num_tokens.
  {
    std::vector<std::array<double, 2>> x;
    std::vector<double> off, t;
    const auto& c = profile.kv_save_ms;
    for (size_t i = 0; i < c.size(); ++i) {
      x.push_back({1.0, KvSaveBytes(model, tp, c.xs()[i])});
      off.push_back(0.0);
      t.push_back(c.ys()[i]);
    }
    const auto th = FitRelative<2>(x, off, t, {true, true});
    fit.kv_save.fixed_ms = th[0];
    fit.kv_save.memory_eff = EffFromCoef(th[1], BytesPerMs(gpu));
    fit.kv_save.median_rel_error = MedianRelError<2>(x, off, t, th);
    fit.kv_save.rows = static_cast<int64_t>(t.size());
  }
  return fit;
}

double LinearOpWorkRatio(const std::string& op, const ModelSpec& target, const ModelSpec& reference, int tp) {
  auto work = [&](const ModelSpec& m) -> double {
    const double h = m.hidden_size, d = m.head_dim(), q = m.num_q_heads / tp;
    const double kv = (m.num_kv_heads + tp - 1) / tp, f = static_cast<double>(m.ffn_size) / tp;
    if (op == "attn_pre_proj") return h * d * (q + 2 * kv);
    if (op == "attn_post_proj") return h * d * q;
    if (op == "mlp_up_proj") return (m.gated_mlp ? 2.0 : 1.0) * h * f;
    if (op == "mlp_down_proj") return h * f;
    if (op == "mlp_act") return f;
    if (op == "attn_rope") return d * (q + kv);
    if (op == "input_layernorm" || op == "post_attention_layernorm" || op == "add") return h;
    throw Error(fmt::format("no work formula for operator '{}'", op));
  };
  return work(target) / work(reference);
}

}  // namespace schedkit::sim
