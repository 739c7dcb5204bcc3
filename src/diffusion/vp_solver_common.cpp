// Helpers shared by the exponential-integrator schedulers.
#include "vp_solver_common.h"

#include <fmt/format.h>

#include <cmath>

#include "schedkit/diffusion/noise_schedule.h"
#include "schedkit/util/error.h"

namespace schedkit::diffusion::internal {

VpTables MakeVpTables(std::span<const float> ac) {
  VpTables t;
  t.sigmas = SigmaTable(ac);
  t.log_sigmas = LogTable(t.sigmas);
  t.lambdas.resize(ac.size());
  for (size_t i = 0; i < ac.size(); ++i) {
    const float a = std::sqrt(ac[i]), s = std::sqrt(1.0f - ac[i]);
    t.lambdas[i] = static_cast<float>(std::log(static_cast<double>(a))) -
                   static_cast<float>(std::log(static_cast<double>(s)));
  }
  return t;
}

void ApplyLinearUpdate(std::span<float> out, const float* x, const std::vector<const float*>& hist,
                       const float* noise, const LinearUpdate& u) {
  const float* s[6];
  double c[6];
  int k = 0;
  s[k] = x, c[k++] = u.cx;
  for (int j = 0; j < u.num_hist; ++j) s[k] = hist[j], c[k++] = u.cm[j];
  if (noise != nullptr) s[k] = noise, c[k++] = u.cn;
  LinearCombine(out, c, s, k);
}

int CheckSolverSteps(const TimestepRequest& r, int N, const std::string& who) {
  if (r.num_inference_steps && r.timesteps) {
    throw Error(who + ": pass num_inference_steps or custom timesteps, not both");
  }
  if (r.timesteps) {
    CheckStrictlyDecreasing(*r.timesteps, "timesteps", who);
    for (double t : *r.timesteps) {
      if (t < 0 || t >= N) throw Error(fmt::format("{}: custom timestep {} is outside [0, {})", who, t, N));
    }
    return static_cast<int>(r.timesteps->size());
  }
  if (!r.num_inference_steps)
    throw Error(who + ": set_timesteps needs num_inference_steps or custom timesteps");
  const int n = *r.num_inference_steps;
  if (n > N)
    throw Error(
        fmt::format("{}: num_inference_steps ({}) cannot exceed num_train_timesteps ({})", who, n, N));
  return n;
}

std::optional<OutputConversion> ToDataPrediction(const std::string& p, AlphaSigma cur, double sigma) {
  if (p == "epsilon") return OutputConversion{1 / cur.alpha, -cur.sigma / cur.alpha};
  if (p == "sample") return OutputConversion{0, 1};
  if (p == "v_prediction") return OutputConversion{cur.alpha, -cur.sigma};
  if (p == "flow_prediction") return OutputConversion{1, -sigma};
  return std::nullopt;
}

std::optional<OutputConversion> ToNoisePrediction(const std::string& p, AlphaSigma cur) {
  if (p == "epsilon") return OutputConversion{0, 1};
  if (p == "sample") return OutputConversion{1 / cur.sigma, -cur.alpha / cur.sigma};
  if (p == "v_prediction") return OutputConversion{cur.sigma, cur.alpha};
  return std::nullopt;
}

int SolverIndexForTimestep(const std::vector<double>& timesteps, double t) {
  int first = -1;
  for (size_t i = 0; i < timesteps.size(); ++i) {
    if (timesteps[i] != t) continue;
    if (first >= 0) return static_cast<int>(i);  // the second match
    first = static_cast<int>(i);
  }
  return first >= 0 ? first : static_cast<int>(timesteps.size()) - 1;
}

}  // namespace schedkit::diffusion::internal
