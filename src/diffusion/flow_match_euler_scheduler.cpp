// FlowMatchEulerDiscreteScheduler: Euler on rectified-flow velocity, static/dynamic shift, shift_terminal,
// Karras/exponential/beta sigmas, stochastic sampling. The constructor's sigma_min is already shifted and
// set_timesteps shifts linspace(sigma_max, sigma_min) again, as diffusers does.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "schedkit/diffusion/noise_schedule.h"
#include "scheduler_internal.h"

namespace schedkit::diffusion::internal {

SchedulerConfig FlowMatchEulerConfig() {
  std::vector<ConfigKey> k;
  k.push_back(Num("num_train_timesteps", 1000));
  k.push_back(Num("shift", 1.0));
  k.push_back(Bool("use_dynamic_shifting", false));
  k.push_back(OptNum("base_shift"));
  k.push_back(OptNum("max_shift"));
  k.push_back(Num("base_image_seq_len", 256));
  k.push_back(Num("max_image_seq_len", 4096));
  k.push_back(Bool("invert_sigmas", false));
  k.push_back(OptNum("shift_terminal"));
  k.push_back(Bool("use_karras_sigmas", false));
  k.push_back(Bool("use_exponential_sigmas", false));
  k.push_back(Bool("use_beta_sigmas", false));
  k.push_back(Str("time_shift_type", "exponential", {"exponential", "linear"}));
  k.push_back(Bool("stochastic_sampling", false));
  SchedulerConfig c("FlowMatchEulerDiscreteScheduler", std::move(k));
  c.Set("base_shift", 0.5);
  c.Set("max_shift", 1.15);
  return c;
}

namespace {

class FlowMatchEulerScheduler final : public Scheduler {
 public:
  explicit FlowMatchEulerScheduler(const SchedulerConfig& c) : Scheduler(c) {
    const int N = c.GetInt("num_train_timesteps");
    const auto shift = static_cast<float>(c.GetNumber("shift"));
    const auto shift_m1 = static_cast<float>(c.GetNumber("shift") - 1.0);
    std::vector<float> s(static_cast<size_t>(N));
    for (int i = 0; i < N; ++i) {
      float v = static_cast<float>(N - i) / static_cast<float>(N);
      if (!c.GetBool("use_dynamic_shifting")) v = shift * v / (1.0f + shift_m1 * v);
      s[i] = v;
    }
    sigma_max_ = s.front();
    sigma_min_ = s.back();
    const int flags = static_cast<int>(c.GetBool("use_karras_sigmas")) +
                      static_cast<int>(c.GetBool("use_exponential_sigmas")) +
                      static_cast<int>(c.GetBool("use_beta_sigmas"));
    if (flags > 1) Fail("only one of use_karras_sigmas, use_exponential_sigmas, use_beta_sigmas can be true");
  }
  bool IsStochastic(const StepOptions&) const override { return config_.GetBool("stochastic_sampling"); }

 protected:
  void DoSetTimesteps(const TimestepRequest& r) override {
    const int N = config_.GetInt("num_train_timesteps");
    std::vector<double> sig;
    int n;
    if (r.sigmas && r.timesteps && r.sigmas->size() != r.timesteps->size()) {
      Fail("custom sigmas and timesteps must have the same length");
    }
    if (r.num_inference_steps &&
        ((r.sigmas && static_cast<int>(r.sigmas->size()) != *r.num_inference_steps) ||
         (r.timesteps && static_cast<int>(r.timesteps->size()) != *r.num_inference_steps))) {
      Fail("num_inference_steps must equal the length of the custom sigmas/timesteps");
    }
    if (r.sigmas) {
      CheckStrictlyDecreasing(*r.sigmas, "sigmas", class_name());
      for (double v : *r.sigmas) sig.push_back(static_cast<float>(v));
      n = static_cast<int>(sig.size());
    } else if (r.timesteps) {
      CheckStrictlyDecreasing(*r.timesteps, "timesteps", class_name());
      for (double v : *r.timesteps) sig.push_back(static_cast<float>(v) / static_cast<double>(N));
      n = static_cast<int>(sig.size());
    } else {
      n = *r.num_inference_steps;
      if (n > N) Fail(fmt::format("num_inference_steps ({}) cannot exceed num_train_timesteps ({})", n, N));
      std::vector<double> t = Linspace(sigma_max_ * N, sigma_min_ * N, n);
      for (double v : t) sig.push_back(v / N);
    }
    if (config_.GetBool("use_dynamic_shifting")) {
      if (!r.mu) Fail("use_dynamic_shifting needs mu in set_timesteps");
      const double mu = *r.mu;
      const bool expo = config_.GetString("time_shift_type") == "exponential";
      for (double& v : sig) v = expo ? std::exp(mu) / (std::exp(mu) + (1 / v - 1)) : mu / (mu + (1 / v - 1));
    } else {
      const double shift = config_.GetNumber("shift");
      for (double& v : sig) v = shift * v / (1 + (shift - 1) * v);
    }
    if (auto term = config_.GetOptionalNumber("shift_terminal")) {
      const double scale = (1 - sig.back()) / (1 - *term);
      for (double& v : sig) v = 1 - (1 - v) / scale;
    }
    const bool karras = config_.GetBool("use_karras_sigmas"),
               expo = config_.GetBool("use_exponential_sigmas"), beta = config_.GetBool("use_beta_sigmas");
    if (karras || expo || beta) {
      const double smin = sig.back(), smax = sig.front();
      sig = karras ? KarrasSigmas(smin, smax, n)
            : expo ? ExponentialSigmas(smin, smax, n)
                   : BetaSigmas(smin, smax, n);
    }
    sigmas_.clear();
    timesteps_.clear();
    const bool invert = config_.GetBool("invert_sigmas");
    for (double v : sig) {
      float s = static_cast<float>(v);
      if (!std::isfinite(s)) {
        Fail(fmt::format("set_timesteps({}) gives a non-finite sigma (shift_terminal needs at least 2 steps)",
                         n));
      }
      if (invert) s = 1.0f - s;
      sigmas_.push_back(s);
      timesteps_.push_back(s * static_cast<float>(N));
    }
    sigmas_.push_back(invert ? 1.0f : 0.0f);
    num_inference_steps_ = n;
  }

  void DoStep(ConstTensor mo, MutTensor sample, const StepOptions& o) override {
    const double sigma = sigmas_[step_index_], next = sigmas_[step_index_ + 1];
    const size_t n = sample.data.size();
    if (config_.GetBool("stochastic_sampling")) {
      noise_.resize(n);
      Generator(o).Normal(noise_, sample.shape);
      for (size_t i = 0; i < n; ++i) {
        const double x0 = sample.data[i] - sigma * mo.data[i];
        sample.data[i] = static_cast<float>((1.0 - next) * x0 + next * noise_[i]);
      }
    } else {
      const double dt = next - sigma;
      for (size_t i = 0; i < n; ++i) sample.data[i] = static_cast<float>(sample.data[i] + dt * mo.data[i]);
    }
  }

 private:
  double sigma_min_ = 0, sigma_max_ = 1;
  std::vector<float> noise_;
};

}  // namespace

std::unique_ptr<Scheduler> MakeFlowMatchEuler(const SchedulerConfig& c) {
  return std::make_unique<FlowMatchEulerScheduler>(c);
}

}  // namespace schedkit::diffusion::internal
