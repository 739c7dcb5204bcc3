// EulerDiscreteScheduler (k-diffusion's Euler, optional churn) and EulerAncestralDiscreteScheduler.
#include <cmath>

#include "euler_family.h"
#include "schedkit/diffusion/noise_schedule.h"

namespace schedkit::diffusion::internal {

namespace {
const std::vector<std::string> kSpacings = {"linspace", "leading", "trailing"};
}

SchedulerConfig EulerConfig() {
  std::vector<ConfigKey> k = TrainKeys(0.0001, 0.02, "linear");
  k.push_back(Str("prediction_type", "epsilon", PredictionTypes(false)));
  k.push_back(Str("interpolation_type", "linear", {"linear", "log_linear"}));
  k.push_back(Bool("use_karras_sigmas", false));
  k.push_back(Bool("use_exponential_sigmas", false));
  k.push_back(Bool("use_beta_sigmas", false));
  k.push_back(OptNum("sigma_min"));
  k.push_back(OptNum("sigma_max"));
  k.push_back(Str("timestep_spacing", "linspace", kSpacings));
  k.push_back(Str("timestep_type", "discrete", {"discrete", "continuous"}));
  k.push_back(Num("steps_offset", 0));
  k.push_back(Bool("rescale_betas_zero_snr", false));
  k.push_back(Str("final_sigmas_type", "zero", {"zero", "sigma_min"}));
  return SchedulerConfig("EulerDiscreteScheduler", std::move(k));
}

SchedulerConfig EulerAncestralConfig() {
  std::vector<ConfigKey> k = TrainKeys(0.0001, 0.02, "linear");
  k.push_back(Str("prediction_type", "epsilon", {"epsilon", "v_prediction"}));
  k.push_back(Str("timestep_spacing", "linspace", kSpacings));
  k.push_back(Num("steps_offset", 0));
  k.push_back(Bool("rescale_betas_zero_snr", false));
  return SchedulerConfig("EulerAncestralDiscreteScheduler", std::move(k));
}

namespace {

// Common state of both Euler variants: VE-space sigmas, input scaling by 1/sqrt(sigma^2+1).
class EulerBase : public Scheduler {
 public:
  explicit EulerBase(const SchedulerConfig& c) : Scheduler(c) {
    LoadTrainSchedule(c, /*patch_zero_snr=*/true, betas_, alphas_cumprod_);
    table_ = MakeSigmaTable(alphas_cumprod_);
    std::vector<float> s(table_.sigmas.rbegin(), table_.sigmas.rend());
    s.push_back(0.0f);
    init_noise_sigma_ = EulerInitNoiseSigma(s, c.GetString("timestep_spacing"));
  }
  bool ScalesModelInput() const override { return true; }

 protected:
  void DoSetTimesteps(const TimestepRequest& r) override {
    EulerSchedule s = BuildEulerSchedule(config_, table_, alphas_cumprod_, r, class_name());
    timesteps_ = std::move(s.timesteps);
    sigmas_ = std::move(s.sigmas);
    num_inference_steps_ = static_cast<int>(timesteps_.size());
    init_noise_sigma_ = EulerInitNoiseSigma(sigmas_, config_.GetString("timestep_spacing"));
  }
  void DoScaleModelInput(ConstTensor sample, MutTensor out) override {
    const double sigma = sigmas_[step_index_];
    const double scale = 1.0 / std::sqrt(sigma * sigma + 1);
    for (size_t i = 0; i < out.data.size(); ++i) out.data[i] = static_cast<float>(sample.data[i] * scale);
  }
  // x0 = px*x + pm*m for the prediction type at noise level `sigma` (v uses the unscaled sigma).
  void X0Coefficients(double sigma_hat, double sigma, double& px, double& pm) const {
    const std::string& pred = config_.GetString("prediction_type");
    if (pred == "epsilon") {
      px = 1, pm = -sigma_hat;
    } else if (pred == "sample") {
      px = 0, pm = 1;
    } else {
      px = 1 / (sigma * sigma + 1), pm = -sigma / std::sqrt(sigma * sigma + 1);
    }
  }
  SigmaTableInfo table_;
  std::vector<float> noise_;
};

class EulerScheduler final : public EulerBase {
 public:
  using EulerBase::EulerBase;
  bool IsStochastic(const StepOptions& o) const override { return o.s_churn > 0; }

 protected:
  void DoStep(ConstTensor mo, MutTensor sample, const StepOptions& o) override {
    const double sigma = sigmas_[step_index_];
    const double n_steps = static_cast<double>(sigmas_.size() - 1);
    const double gamma =
        (o.s_tmin <= sigma && sigma <= o.s_tmax) ? std::min(o.s_churn / n_steps, std::sqrt(2.0) - 1) : 0.0;
    const double sigma_hat = sigma * (gamma + 1);
    const size_t n = sample.data.size();
    if (gamma > 0) {
      noise_.resize(n);
      Generator(o).Normal(noise_, sample.shape);
      const double c = o.s_noise * std::sqrt(sigma_hat * sigma_hat - sigma * sigma);
      for (size_t i = 0; i < n; ++i) sample.data[i] = static_cast<float>(sample.data[i] + c * noise_[i]);
    }
    double px, pm;
    X0Coefficients(sigma_hat, sigma, px, pm);
    const double dt = sigmas_[step_index_ + 1] - sigma_hat;
    pred_original_.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const double x = sample.data[i];
      const double x0 = px * x + pm * mo.data[i];
      pred_original_[i] = static_cast<float>(x0);
      sample.data[i] = static_cast<float>(x + (x - x0) / sigma_hat * dt);
    }
  }
};

class EulerAncestralScheduler final : public EulerBase {
 public:
  using EulerBase::EulerBase;
  bool IsStochastic(const StepOptions&) const override { return true; }

 protected:
  void DoStep(ConstTensor mo, MutTensor sample, const StepOptions& o) override {
    const double sigma = sigmas_[step_index_];
    const double sigma_to = sigmas_[step_index_ + 1];
    double px, pm;
    X0Coefficients(sigma, sigma, px, pm);
    const double sigma_up =
        std::sqrt(sigma_to * sigma_to * (sigma * sigma - sigma_to * sigma_to) / (sigma * sigma));
    const double sigma_down = std::sqrt(sigma_to * sigma_to - sigma_up * sigma_up);
    const double dt = sigma_down - sigma;
    const size_t n = sample.data.size();
    noise_.resize(n);
    Generator(o).Normal(noise_, sample.shape);
    pred_original_.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const double x = sample.data[i];
      const double x0 = px * x + pm * mo.data[i];
      pred_original_[i] = static_cast<float>(x0);
      sample.data[i] = static_cast<float>(x + (x - x0) / sigma * dt + noise_[i] * sigma_up);
    }
  }
};

}  // namespace

std::unique_ptr<Scheduler> MakeEuler(const SchedulerConfig& c) { return std::make_unique<EulerScheduler>(c); }
std::unique_ptr<Scheduler> MakeEulerAncestral(const SchedulerConfig& c) {
  return std::make_unique<EulerAncestralScheduler>(c);
}

}  // namespace schedkit::diffusion::internal
