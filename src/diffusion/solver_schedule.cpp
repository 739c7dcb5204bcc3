// set_timesteps of DPM-Solver multistep/singlestep, DEIS and UniPC: integer timesteps and float32 sigmas.
#include "solver_schedule.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "schedkit/diffusion/noise_schedule.h"
#include "schedkit/util/error.h"

namespace schedkit::diffusion::internal {

namespace {
bool Flag(const SchedulerConfig& c, const char* key) { return c.Has(key) && c.GetBool(key); }

// int64 cast of numpy: truncation toward zero. A value within 1e-6 below an integer is taken as that integer:
// at the ramp ends (sigma = sigma_max or sigma_min) diffusers' _sigma_to_t lands exactly on the table entry
// through its clipped weight, while a last-ulp difference in log() would otherwise truncate one step lower.
double Trunc(double t) {
  const double r = std::round(t);
  if (std::fabs(t - r) < 1e-6) return r;
  return std::trunc(t);
}

double TimeShift(const std::string& type, double mu, double t) {
  if (type == "exponential") return std::exp(mu) / (std::exp(mu) + (1 / t - 1));
  return mu / (mu + (1 / t - 1));
}
}  // namespace

SolverSchedule BuildSolverSchedule(SolverVariant v, const SchedulerConfig& c, const VpTables& tab,
                                   std::span<const float> ac, const TimestepRequest& r, double flow_shift,
                                   const std::string& who) {
  const int N = c.GetInt("num_train_timesteps");
  const bool karras = Flag(c, "use_karras_sigmas"), expo = Flag(c, "use_exponential_sigmas"),
             beta = Flag(c, "use_beta_sigmas"), lu = Flag(c, "use_lu_lambdas"),
             flow = Flag(c, "use_flow_sigmas");
  if (static_cast<int>(karras) + static_cast<int>(expo) + static_cast<int>(beta) > 1) {
    throw Error(who + ": only one of use_karras_sigmas, use_exponential_sigmas, use_beta_sigmas can be true");
  }
  if (r.timesteps && (karras || expo || beta || lu)) {
    throw Error(who +
                ": custom timesteps cannot be combined with karras/exponential/beta sigmas or Lu lambdas");
  }
  if (r.sigmas && v != SolverVariant::kUniPC)
    throw Error(who + ": custom sigmas are not supported; pass timesteps");
  const int n = r.sigmas ? static_cast<int>(r.sigmas->size()) : CheckSolverSteps(r, N, who);
  if (r.sigmas) CheckStrictlyDecreasing(*r.sigmas, "sigmas", who);
  const bool is_cos = c.GetString("beta_schedule") == "squaredcos_cap_v2";
  const std::string spacing = c.Has("timestep_spacing") ? c.GetString("timestep_spacing") : "linspace";
  const int offset = c.Has("steps_offset") ? c.GetInt("steps_offset") : 0;
  const std::string final_type = c.Has("final_sigmas_type") ? c.GetString("final_sigmas_type") : "zero";

  // Integer timesteps before any sigma conversion.
  std::vector<double> ts;
  if (r.timesteps) {
    for (double t : *r.timesteps) ts.push_back(Trunc(t));
  } else if (v == SolverVariant::kDpmMultistep || v == SolverVariant::kDpmSinglestep) {
    // lambda_min_clipped: searchsorted(flip(lambda_t), clip)
    const double clip = c.GetNumber("lambda_min_clipped");
    int clipped = 0;
    for (int i = N - 1; i >= 0 && static_cast<double>(tab.lambdas[i]) < clip; --i) ++clipped;
    if (v == SolverVariant::kDpmMultistep) {
      ts = MultistepTimesteps(spacing, N, N - clipped, n, offset);
    } else {
      std::vector<double> l = Linspace(0, N - 1 - clipped, n + 1);
      for (int i = n; i >= 1; --i) ts.push_back(RoundHalfEven(l[i]));
    }
  } else {
    ts = MultistepTimesteps(spacing, N, N, n, offset);
  }

  std::vector<double> sig;
  std::optional<double> last;  // nullopt: the variant's default final sigma
  const auto& ls = tab.log_sigmas;
  const double smin = tab.sigmas.front(), smax = tab.sigmas.back();
  auto to_t = [&](bool round) {
    ts.clear();
    for (double s : sig) {
      double t = SigmaToT(s, ls);
      ts.push_back(round ? RoundHalfEven(t) : Trunc(t));
    }
  };
  auto cfg_or = [&](const char* key, double def) {
    if (c.Has(key)) {
      if (auto v = c.GetOptionalNumber(key)) return *v;
    }
    return def;
  };
  const bool append_self = v == SolverVariant::kDeis;  // DEIS appends sigmas[-1] for converted schedules
  if (karras) {
    if (r.sigmas) {
      throw Error(who + ": custom sigmas with use_karras_sigmas are not supported");
    }
    sig = KarrasSigmas(cfg_or("sigma_min", smin), cfg_or("sigma_max", smax), n);
    if (v == SolverVariant::kUniPC && flow) {
      for (double& s : sig) s = s / (s + 1);
      ts.clear();
      for (double s : sig) ts.push_back(Trunc(s * N));
    } else {
      const bool round = v == SolverVariant::kDpmMultistep ? !is_cos : true;
      to_t(round);
    }
    if (append_self || v == SolverVariant::kUniPC) last = sig.back();
  } else if (lu && v == SolverVariant::kDpmMultistep) {
    // Lu et al.: uniform in log sigma between the table's ends (diffusers' "lambdas" here are log sigmas).
    const double lmin = ls.front(), lmax = ls.back();
    const std::vector<double> ramp = Linspace(0, 1, n);
    for (double x : ramp) sig.push_back(std::exp(lmax + x * (lmin - lmax)));
    to_t(!is_cos);
  } else if (expo || beta) {
    sig = expo ? ExponentialSigmas(cfg_or("sigma_min", smin), cfg_or("sigma_max", smax), n)
               : BetaSigmas(cfg_or("sigma_min", smin), cfg_or("sigma_max", smax), n);
    to_t(false);
    if (append_self || v == SolverVariant::kUniPC) last = sig.back();
  } else if (flow) {
    if (v == SolverVariant::kUniPC) {
      if (r.sigmas) {
        sig = *r.sigmas;
      } else {
        sig = Linspace(1, 1.0 / N, n + 1);
        sig.pop_back();
      }
      const bool dynamic = Flag(c, "use_dynamic_shifting");
      for (double& s : sig) {
        s = dynamic ? TimeShift(c.GetString("time_shift_type"), *r.mu, s)
                    : flow_shift * s / (1 + (flow_shift - 1) * s);
      }
      if (auto term = c.GetOptionalNumber("shift_terminal")) {
        const double scale = (1 - sig.back()) / (1 - *term);
        for (double& s : sig) s = 1 - (1 - s) / scale;
      }
      if (std::fabs(sig[0] - 1) < 1e-6) sig[0] -= 1e-6;
      last = sig.back();
    } else {
      std::vector<double> a = Linspace(1, 1.0 / N, n + 1);
      std::vector<double> s(a.size());
      for (size_t i = 0; i < a.size(); ++i) {
        const double x = 1.0 - a[i];
        s[i] = flow_shift * x / (1 + (flow_shift - 1) * x);
      }
      std::reverse(s.begin(), s.end());
      s.pop_back();
      sig = s;
      if (append_self) last = sig.back();
    }
    ts.clear();
    for (double s : sig) ts.push_back(Trunc(s * N));
  } else {
    if (r.sigmas) throw Error(who + ": custom sigmas need use_flow_sigmas");
    for (double t : ts) sig.push_back(InterpTable(t, tab.sigmas));
  }

  // Final sigma.
  float final_sigma;
  const float sigma0 = std::sqrt((1.0f - ac[0]) / ac[0]);
  if (v == SolverVariant::kDeis) {
    final_sigma = last ? static_cast<float>(*last) : sigma0;
  } else if (final_type == "sigma_min") {
    final_sigma = last ? static_cast<float>(*last) : sigma0;
  } else if (final_type == "zero") {
    final_sigma = 0.0f;
  } else {
    throw Error(fmt::format("{}: final_sigmas_type must be zero or sigma_min, got '{}'", who, final_type));
  }
  SolverSchedule out;
  for (double s : sig) out.sigmas.push_back(static_cast<float>(s));
  out.sigmas.push_back(final_sigma);
  out.timesteps = std::move(ts);
  return out;
}

}  // namespace schedkit::diffusion::internal
