// Training schedules, spacings and sigma ramps, reproducing diffusers' float32/float64 arithmetic.
#include "schedkit/diffusion/noise_schedule.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "schedkit/util/error.h"

namespace schedkit::diffusion {

std::vector<float> TorchLinspaceF32(float start, float stop, int num) {
  // ATen's CPU kernel: float step; 8-lane vector chunks start from start+step*idx (or, past halfway,
  // end-step*(steps-idx-1)) and add k*step per lane; the tail is scalar.
  std::vector<float> out(static_cast<size_t>(std::max(num, 0)));
  if (num == 1) {
    out[0] = start;
    return out;
  }
  if (num <= 0) return out;
  const float step = (stop - start) / static_cast<float>(num - 1);
  const int64_t halfway = num / 2;
  constexpr int kLanes = 8;
  int64_t idx = 0;
  for (; idx + kLanes <= num; idx += kLanes) {
    const float base = idx < halfway ? start + step * static_cast<float>(idx)
                                     : stop - step * static_cast<float>(num - idx - 1);
    for (int k = 0; k < kLanes; ++k) out[idx + k] = base + static_cast<float>(k) * step;
  }
  for (; idx < num; ++idx) {
    out[idx] = idx < halfway ? start + step * static_cast<float>(idx)
                             : stop - step * static_cast<float>(num - idx - 1);
  }
  return out;
}

std::vector<double> Linspace(double start, double stop, int num) {
  std::vector<double> y(static_cast<size_t>(std::max(num, 0)));
  if (num <= 0) return y;
  if (num == 1) {
    y[0] = start;
    return y;
  }
  const double step = (stop - start) / (num - 1);
  for (int i = 0; i < num; ++i) y[i] = i * step + start;
  y[num - 1] = stop;
  return y;
}

std::vector<double> Arange(double start, double stop, double step) {
  const double len = std::ceil((stop - start) / step);
  std::vector<double> y;
  if (!(len > 0)) return y;
  const auto n = static_cast<size_t>(len);
  y.resize(n);
  y[0] = start;
  if (n > 1) {
    const double delta = (start + step) - start;
    for (size_t i = 1; i < n; ++i) y[i] = start + static_cast<double>(i) * delta;
  }
  return y;
}

double RoundHalfEven(double x) { return std::nearbyint(x); }  // default rounding mode: to nearest even

double InterpTable(double x, std::span<const float> fp) {
  const auto n = static_cast<int64_t>(fp.size());
  if (x <= 0) return fp[0];
  if (x >= static_cast<double>(n - 1)) return fp[n - 1];
  const auto j = static_cast<int64_t>(std::floor(x));
  const double slope = static_cast<double>(fp[j + 1]) - static_cast<double>(fp[j]);
  if (x == static_cast<double>(j)) return fp[j];
  return slope * (x - static_cast<double>(j)) + static_cast<double>(fp[j]);
}

std::vector<float> LogTable(std::span<const float> table) {
  std::vector<float> out(table.size());
  for (size_t i = 0; i < table.size(); ++i)
    out[i] = static_cast<float>(std::log(static_cast<double>(table[i])));
  return out;
}

double SigmaToT(double sigma, std::span<const float> log_sigmas, bool sigma_is_float32) {
  const auto n = static_cast<int64_t>(log_sigmas.size());
  double log_sigma = std::log(std::max(sigma, 1e-10));
  if (sigma_is_float32)
    log_sigma =
        static_cast<float>(std::log(static_cast<double>(std::max(static_cast<float>(sigma), 1e-10f))));
  int64_t low_idx = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (log_sigma - static_cast<double>(log_sigmas[i]) >= 0) low_idx = i;
  }
  low_idx = std::min(low_idx, n - 2);
  const int64_t high_idx = low_idx + 1;
  const float low = log_sigmas[low_idx];
  const float high = log_sigmas[high_idx];
  double w;
  if (sigma_is_float32) {
    const float wf = (low - static_cast<float>(log_sigma)) / (low - high);
    w = std::clamp(wf, 0.0f, 1.0f);
    const float one_minus = 1.0f - static_cast<float>(w);
    return static_cast<double>(one_minus) * static_cast<double>(low_idx) + w * static_cast<double>(high_idx);
  }
  w = (static_cast<double>(low) - log_sigma) / static_cast<double>(low - high);
  w = std::clamp(w, 0.0, 1.0);
  return (1 - w) * static_cast<double>(low_idx) + w * static_cast<double>(high_idx);
}

std::vector<double> KarrasSigmas(double sigma_min, double sigma_max, int n, double rho) {
  const std::vector<double> ramp = Linspace(0, 1, n);
  const double min_inv = std::pow(sigma_min, 1 / rho);
  const double max_inv = std::pow(sigma_max, 1 / rho);
  std::vector<double> s(ramp.size());
  for (size_t i = 0; i < ramp.size(); ++i) s[i] = std::pow(max_inv + ramp[i] * (min_inv - max_inv), rho);
  return s;
}

std::vector<double> ExponentialSigmas(double sigma_min, double sigma_max, int n) {
  std::vector<double> s = Linspace(std::log(sigma_max), std::log(sigma_min), n);
  for (double& v : s) v = std::exp(v);
  return s;
}

double RegularizedIncompleteBeta(double x, double a, double b) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  // Continued fraction (modified Lentz), on the side where it converges fast.
  auto cf = [](double xx, double aa, double bb) {
    const double tiny = 1e-300;
    double c = 1, d = 1 - (aa + bb) * xx / (aa + 1);
    if (std::fabs(d) < tiny) d = tiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m < 10000; ++m) {
      const double m2 = 2.0 * m;
      double num = m * (bb - m) * xx / ((aa + m2 - 1) * (aa + m2));
      d = 1 + num * d;
      if (std::fabs(d) < tiny) d = tiny;
      c = 1 + num / c;
      if (std::fabs(c) < tiny) c = tiny;
      d = 1 / d;
      h *= d * c;
      num = -(aa + m) * (aa + bb + m) * xx / ((aa + m2) * (aa + m2 + 1));
      d = 1 + num * d;
      if (std::fabs(d) < tiny) d = tiny;
      c = 1 + num / c;
      if (std::fabs(c) < tiny) c = tiny;
      d = 1 / d;
      const double del = d * c;
      h *= del;
      if (std::fabs(del - 1) < 1e-16) break;
    }
    return h;
  };
  const double log_front =
      std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return std::exp(log_front) * cf(x, a, b) / a;
  return 1 - std::exp(log_front) * cf(1 - x, b, a) / b;
}

double BetaPpf(double q, double a, double b) {
  if (q <= 0) return 0;
  if (q >= 1) return 1;
  double lo = 0, hi = 1;
  for (int i = 0; i < 200 && hi - lo > 1e-17; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (RegularizedIncompleteBeta(mid, a, b) < q) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return 0.5 * (lo + hi);
}

std::vector<double> BetaSigmas(double sigma_min, double sigma_max, int n, double alpha, double beta) {
  const std::vector<double> ramp = Linspace(0, 1, n);
  std::vector<double> s(ramp.size());
  for (size_t i = 0; i < ramp.size(); ++i) {
    s[i] = sigma_min + BetaPpf(1 - ramp[i], alpha, beta) * (sigma_max - sigma_min);
  }
  return s;
}

std::vector<float> MakeBetas(const std::string& schedule, int n, double beta_start, double beta_end) {
  if (n < 2) throw Error(fmt::format("num_train_timesteps must be at least 2, got {}", n));
  std::vector<float> betas;
  if (schedule == "linear") {
    betas = TorchLinspaceF32(static_cast<float>(beta_start), static_cast<float>(beta_end), n);
  } else if (schedule == "scaled_linear") {
    betas = TorchLinspaceF32(static_cast<float>(std::sqrt(beta_start)),
                             static_cast<float>(std::sqrt(beta_end)), n);
    for (float& b : betas) b = b * b;
  } else if (schedule == "squaredcos_cap_v2") {
    auto alpha_bar = [](double t) {
      const double c = std::cos((t + 0.008) / 1.008 * std::numbers::pi / 2);
      return c * c;
    };
    betas.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      const double t1 = static_cast<double>(i) / n, t2 = static_cast<double>(i + 1) / n;
      betas[i] = static_cast<float>(std::min(1 - alpha_bar(t2) / alpha_bar(t1), 0.999));
    }
  } else if (schedule == "sigmoid") {
    betas = TorchLinspaceF32(-6.0f, 6.0f, n);
    const auto scale = static_cast<float>(beta_end - beta_start);
    const auto offset = static_cast<float>(beta_start);
    for (float& b : betas) {
      const float s = static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(b))));
      b = s * scale + offset;
    }
  } else {
    throw Error(fmt::format(
        "unknown beta_schedule '{}'; valid values: linear, scaled_linear, squaredcos_cap_v2, sigmoid",
        schedule));
  }
  return betas;
}

std::vector<float> AlphasCumprod(std::span<const float> betas) {
  std::vector<float> ac(betas.size());
  double acc = 1.0;
  for (size_t i = 0; i < betas.size(); ++i) {
    acc *= static_cast<double>(1.0f - betas[i]);
    ac[i] = static_cast<float>(acc);
  }
  return ac;
}

std::vector<float> RescaleZeroTerminalSnr(std::span<const float> betas) {
  std::vector<float> s = AlphasCumprod(betas);
  for (float& v : s) v = std::sqrt(v);
  const float s0 = s.front(), st = s.back();
  const float scale = s0 / (s0 - st);
  for (float& v : s) v = (v - st) * scale;
  std::vector<float> ac(s.size());
  for (size_t i = 0; i < s.size(); ++i) ac[i] = s[i] * s[i];
  std::vector<float> out(s.size());
  out[0] = 1.0f - ac[0];
  for (size_t i = 1; i < s.size(); ++i) out[i] = 1.0f - ac[i] / ac[i - 1];
  return out;
}

std::vector<float> SigmaTable(std::span<const float> ac) {
  std::vector<float> s(ac.size());
  for (size_t i = 0; i < ac.size(); ++i) s[i] = std::sqrt((1.0f - ac[i]) / ac[i]);
  return s;
}

TrainSchedule MakeTrainSchedule(const std::string& beta_schedule, int num_train_timesteps, double beta_start,
                                double beta_end, bool rescale_zero_snr,
                                const std::optional<std::vector<double>>& trained_betas) {
  TrainSchedule ts;
  if (trained_betas && !trained_betas->empty()) {
    for (double b : *trained_betas) ts.betas.push_back(static_cast<float>(b));
    if (static_cast<int>(ts.betas.size()) != num_train_timesteps) {
      throw Error(fmt::format("trained_betas has {} entries but num_train_timesteps is {}", ts.betas.size(),
                              num_train_timesteps));
    }
  } else {
    ts.betas = MakeBetas(beta_schedule, num_train_timesteps, beta_start, beta_end);
  }
  if (rescale_zero_snr) ts.betas = RescaleZeroTerminalSnr(ts.betas);
  ts.alphas_cumprod = AlphasCumprod(ts.betas);
  return ts;
}

namespace {
void CheckSteps(int n, int num_train_timesteps, const char* who) {
  if (n < 1) throw Error(fmt::format("num_inference_steps must be at least 1 for {}, got {}", who, n));
  if (n > num_train_timesteps) {
    throw Error(fmt::format("num_inference_steps ({}) cannot exceed num_train_timesteps ({}) for {}", n,
                            num_train_timesteps, who));
  }
}
std::string SpacingError(const std::string& spacing) {
  return fmt::format("unknown timestep_spacing '{}'; valid values: linspace, leading, trailing", spacing);
}
}  // namespace

std::vector<double> FloatTimesteps(const std::string& spacing, int N, int n, int steps_offset) {
  CheckSteps(n, N, "this scheduler");
  std::vector<double> t;
  if (spacing == "linspace") {
    t = Linspace(0, N - 1, n);
    std::reverse(t.begin(), t.end());
  } else if (spacing == "leading") {
    const int ratio = N / n;
    for (int i = n - 1; i >= 0; --i) t.push_back(static_cast<double>(i * ratio + steps_offset));
  } else if (spacing == "trailing") {
    t = Arange(N, 0, -static_cast<double>(N) / n);
    for (double& v : t) v = RoundHalfEven(v) - 1;
  } else {
    throw Error(SpacingError(spacing));
  }
  for (double& v : t) v = static_cast<float>(v);
  return t;
}

std::vector<double> DdimTimesteps(const std::string& spacing, int N, int n, int steps_offset) {
  CheckSteps(n, N, "this scheduler");
  std::vector<double> t;
  if (spacing == "linspace") {
    t = Linspace(0, N - 1, n);
    for (double& v : t) v = RoundHalfEven(v);
    std::reverse(t.begin(), t.end());
  } else if (spacing == "leading") {
    const int ratio = N / n;
    for (int i = n - 1; i >= 0; --i) t.push_back(static_cast<double>(i * ratio + steps_offset));
  } else if (spacing == "trailing") {
    t = Arange(N, 0, -static_cast<double>(N) / n);
    for (double& v : t) v = RoundHalfEven(v) - 1;
  } else {
    throw Error(SpacingError(spacing));
  }
  return t;
}

std::vector<double> MultistepTimesteps(const std::string& spacing, int N, int last_timestep, int n,
                                       int steps_offset) {
  CheckSteps(n, N, "this scheduler");
  std::vector<double> t;
  if (spacing == "linspace") {
    std::vector<double> l = Linspace(0, last_timestep - 1, n + 1);
    for (int i = n; i >= 1; --i) t.push_back(RoundHalfEven(l[i]));
  } else if (spacing == "leading") {
    const int ratio = last_timestep / (n + 1);
    for (int i = n; i >= 1; --i) t.push_back(static_cast<double>(i * ratio + steps_offset));
  } else if (spacing == "trailing") {
    t = Arange(last_timestep, 0, -static_cast<double>(N) / n);
    for (double& v : t) v = RoundHalfEven(v) - 1;
  } else {
    throw Error(SpacingError(spacing));
  }
  return t;
}

}  // namespace schedkit::diffusion
