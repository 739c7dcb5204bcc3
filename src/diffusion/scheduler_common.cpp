// Helpers shared by the scheduler implementations.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "schedkit/diffusion/noise_schedule.h"
#include "schedkit/util/error.h"
#include "scheduler_internal.h"

namespace schedkit::diffusion::internal {

ConfigKey Bool(std::string name, bool def) { return {std::move(name), ConfigType::kBool, def, {}}; }
ConfigKey Num(std::string name, double def) { return {std::move(name), ConfigType::kNumber, def, {}}; }
ConfigKey OptNum(std::string name) {
  return {std::move(name), ConfigType::kOptionalNumber, std::monostate{}, {}};
}
ConfigKey Str(std::string name, std::string def, std::vector<std::string> choices) {
  return {std::move(name), ConfigType::kString, std::move(def), std::move(choices)};
}
ConfigKey OptStr(std::string name, std::vector<std::string> choices) {
  return {std::move(name), ConfigType::kOptionalString, std::monostate{}, std::move(choices)};
}
ConfigKey NumList(std::string name) {
  return {std::move(name), ConfigType::kNumberList, std::vector<double>{}, {}};
}

std::vector<ConfigKey> TrainKeys(double beta_start, double beta_end, const std::string& beta_schedule,
                                 bool allow_sigmoid) {
  std::vector<std::string> schedules = {"linear", "scaled_linear", "squaredcos_cap_v2"};
  if (allow_sigmoid) schedules.push_back("sigmoid");
  return {Num("num_train_timesteps", 1000), Num("beta_start", beta_start), Num("beta_end", beta_end),
          Str("beta_schedule", beta_schedule, schedules), NumList("trained_betas")};
}

std::vector<std::string> PredictionTypes(bool with_flow) {
  std::vector<std::string> p = {"epsilon", "sample", "v_prediction"};
  if (with_flow) p.push_back("flow_prediction");
  return p;
}

void LinearCombine(std::span<float> out, const double* c, const float* const* s, int count) {
  const size_t n = out.size();
  float* o = out.data();
  switch (count) {
    case 1:
      for (size_t i = 0; i < n; ++i) o[i] = static_cast<float>(c[0] * s[0][i]);
      break;
    case 2:
      for (size_t i = 0; i < n; ++i) o[i] = static_cast<float>(c[0] * s[0][i] + c[1] * s[1][i]);
      break;
    case 3:
      for (size_t i = 0; i < n; ++i)
        o[i] = static_cast<float>(c[0] * s[0][i] + c[1] * s[1][i] + c[2] * s[2][i]);
      break;
    case 4:
      for (size_t i = 0; i < n; ++i) {
        o[i] = static_cast<float>(c[0] * s[0][i] + c[1] * s[1][i] + c[2] * s[2][i] + c[3] * s[3][i]);
      }
      break;
    default:
      for (size_t i = 0; i < n; ++i) {
        double acc = 0;
        for (int k = 0; k < count; ++k) acc += c[k] * s[k][i];
        o[i] = static_cast<float>(acc);
      }
  }
}

void ClipSample(std::span<float> x, double range) {
  const auto r = static_cast<float>(range);
  for (float& v : x) v = std::clamp(v, -r, r);
}

void ThresholdSample(std::span<float> x, std::span<const int64_t> shape, double ratio, double max_value) {
  const int64_t batch = shape.empty() ? 1 : shape[0];
  if (batch <= 0) return;
  const size_t per = x.size() / static_cast<size_t>(batch);
  std::vector<double> a(per);
  for (int64_t b = 0; b < batch; ++b) {
    float* row = x.data() + b * per;
    for (size_t i = 0; i < per; ++i) a[i] = std::fabs(static_cast<double>(row[i]));
    std::sort(a.begin(), a.end());
    // torch.quantile, linear interpolation.
    const double pos = ratio * static_cast<double>(per - 1);
    const auto lo = static_cast<size_t>(std::floor(pos));
    const size_t hi = std::min(lo + 1, per - 1);
    double s = a[lo] + (a[hi] - a[lo]) * (pos - static_cast<double>(lo));
    s = std::clamp(s, 1.0, max_value);
    for (size_t i = 0; i < per; ++i) row[i] = static_cast<float>(std::clamp<double>(row[i], -s, s) / s);
  }
}

SigmaTableInfo MakeSigmaTable(std::span<const float> ac) {
  SigmaTableInfo t;
  t.sigmas = SigmaTable(ac);
  t.log_sigmas = LogTable(t.sigmas);
  return t;
}

void CheckStrictlyDecreasing(std::span<const double> v, const std::string& what, const std::string& who,
                             bool allow_final_equal) {
  if (v.empty()) throw Error(fmt::format("custom {} for {} is empty", what, who));
  for (size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i]))
      throw Error(fmt::format("custom {} for {}: entry {} is not finite", what, who, i));
  }
  for (size_t i = 1; i < v.size(); ++i) {
    const bool last = i + 1 == v.size();
    if (v[i] > v[i - 1] || (v[i] == v[i - 1] && !(allow_final_equal && last))) {
      throw Error(
          fmt::format("custom {} for {} must be strictly decreasing: entry {} ({}) follows entry {} ({})",
                      what, who, i, v[i], i - 1, v[i - 1]));
    }
  }
}

void LoadTrainSchedule(const SchedulerConfig& c, bool patch_zero_snr, std::vector<float>& betas,
                       std::vector<float>& alphas_cumprod) {
  const bool zero_snr = c.Has("rescale_betas_zero_snr") && c.GetBool("rescale_betas_zero_snr");
  TrainSchedule ts = MakeTrainSchedule(c.GetString("beta_schedule"), c.GetInt("num_train_timesteps"),
                                       c.GetNumber("beta_start"), c.GetNumber("beta_end"), zero_snr,
                                       c.GetList("trained_betas"));
  betas = std::move(ts.betas);
  alphas_cumprod = std::move(ts.alphas_cumprod);
  if (zero_snr && patch_zero_snr) alphas_cumprod.back() = 0x1p-24f;
}

void PredictOriginalSample(const SchedulerConfig& c, double a_t, ConstTensor sample, ConstTensor model_output,
                           std::vector<float>& x0) {
  const double b_t = 1 - a_t;
  const std::string& pred = c.GetString("prediction_type");
  double px, pm;
  if (pred == "epsilon") {
    px = 1 / std::sqrt(a_t), pm = -std::sqrt(b_t) / std::sqrt(a_t);
  } else if (pred == "sample") {
    px = 0, pm = 1;
  } else {
    px = std::sqrt(a_t), pm = -std::sqrt(b_t);
  }
  const size_t n = sample.data.size();
  x0.resize(n);
  for (size_t i = 0; i < n; ++i) x0[i] = static_cast<float>(px * sample.data[i] + pm * model_output.data[i]);
  if (c.GetBool("thresholding")) {
    ThresholdSample(x0, sample.shape, c.GetNumber("dynamic_thresholding_ratio"),
                    c.GetNumber("sample_max_value"));
  } else if (c.Has("clip_sample") && c.GetBool("clip_sample")) {
    ClipSample(x0, c.GetNumber("clip_sample_range"));
  }
}

}  // namespace schedkit::diffusion::internal
