// Sigma/timestep construction shared by the Euler-family schedulers.
#include "euler_family.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "schedkit/diffusion/noise_schedule.h"
#include "schedkit/util/error.h"

namespace schedkit::diffusion::internal {

namespace {
bool GetBoolOr(const SchedulerConfig& c, const char* key, bool def) {
  return c.Has(key) ? c.GetBool(key) : def;
}
std::string GetStrOr(const SchedulerConfig& c, const char* key, const char* def) {
  return c.Has(key) ? c.GetString(key) : std::string(def);
}
}  // namespace

double EulerInitNoiseSigma(const std::vector<float>& sigmas, const std::string& spacing) {
  const double max_sigma = *std::max_element(sigmas.begin(), sigmas.end());
  if (spacing == "linspace" || spacing == "trailing") return max_sigma;
  return static_cast<float>(std::sqrt(static_cast<float>(max_sigma * max_sigma) + 1.0f));
}

EulerSchedule BuildEulerSchedule(const SchedulerConfig& c, const SigmaTableInfo& table,
                                 std::span<const float> ac, const TimestepRequest& r,
                                 const std::string& who) {
  const int N = c.GetInt("num_train_timesteps");
  const bool karras = GetBoolOr(c, "use_karras_sigmas", false);
  const bool expo = GetBoolOr(c, "use_exponential_sigmas", false);
  const bool beta = GetBoolOr(c, "use_beta_sigmas", false);
  if (static_cast<int>(karras) + static_cast<int>(expo) + static_cast<int>(beta) > 1) {
    throw Error(who + ": only one of use_karras_sigmas, use_exponential_sigmas, use_beta_sigmas can be true");
  }
  if (r.timesteps && (karras || expo || beta)) {
    throw Error(who + ": custom timesteps cannot be combined with karras/exponential/beta sigmas");
  }
  if (r.num_inference_steps && (r.timesteps || r.sigmas)) {
    throw Error(who + ": pass num_inference_steps or custom sigmas/timesteps, not several");
  }
  EulerSchedule out;
  if (r.sigmas) {
    CheckStrictlyDecreasing(*r.sigmas, "sigmas", who);
    if (r.sigmas->size() < 2)
      throw Error(who + ": custom sigmas need at least 2 entries (the last is the final sigma)");
    for (double s : *r.sigmas) out.sigmas.push_back(static_cast<float>(s));
    for (size_t i = 0; i + 1 < out.sigmas.size(); ++i) {
      out.timesteps.push_back(static_cast<float>(SigmaToT(out.sigmas[i], table.log_sigmas, true)));
    }
    return out;
  }
  std::vector<double> timesteps;
  int n;
  if (r.timesteps) {
    CheckStrictlyDecreasing(*r.timesteps, "timesteps", who);
    for (double t : *r.timesteps) timesteps.push_back(static_cast<float>(t));
    n = static_cast<int>(timesteps.size());
  } else {
    n = *r.num_inference_steps;
    timesteps = FloatTimesteps(GetStrOr(c, "timestep_spacing", "linspace"), N, n,
                               c.Has("steps_offset") ? c.GetInt("steps_offset") : 0);
  }
  std::vector<double> sigmas;
  const std::string interp = GetStrOr(c, "interpolation_type", "linear");
  if (interp == "log_linear") {
    const std::vector<float> l = TorchLinspaceF32(table.log_sigmas.back(), table.log_sigmas.front(), n + 1);
    for (float v : l) sigmas.push_back(static_cast<float>(std::exp(static_cast<double>(v))));
  } else {
    for (double t : timesteps) sigmas.push_back(InterpTable(t, table.sigmas));
  }
  const std::optional<double> cfg_min = c.Has("sigma_min") ? c.GetOptionalNumber("sigma_min") : std::nullopt;
  const std::optional<double> cfg_max = c.Has("sigma_max") ? c.GetOptionalNumber("sigma_max") : std::nullopt;
  if (karras || expo || beta) {
    const double smin = cfg_min ? *cfg_min : sigmas.back();
    const double smax = cfg_max ? *cfg_max : sigmas.front();
    sigmas = karras ? KarrasSigmas(smin, smax, n)
             : expo ? ExponentialSigmas(smin, smax, n)
                    : BetaSigmas(smin, smax, n);
    timesteps.clear();
    for (double s : sigmas) timesteps.push_back(static_cast<float>(SigmaToT(s, table.log_sigmas)));
  }
  const std::string final_type = GetStrOr(c, "final_sigmas_type", "zero");
  const float last = final_type == "sigma_min" ? std::sqrt((1.0f - ac[0]) / ac[0]) : 0.0f;
  for (double s : sigmas) out.sigmas.push_back(static_cast<float>(s));
  out.sigmas.push_back(last);
  out.timesteps = std::move(timesteps);
  if (GetStrOr(c, "timestep_type", "discrete") == "continuous" &&
      c.GetString("prediction_type") == "v_prediction") {
    for (size_t i = 0; i < out.timesteps.size(); ++i) {
      out.timesteps[i] = static_cast<float>(0.25 * std::log(static_cast<double>(out.sigmas[i])));
    }
  }
  return out;
}

}  // namespace schedkit::diffusion::internal
