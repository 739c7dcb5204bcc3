// HeunDiscreteScheduler: Karras' 2nd-order Heun; n steps -> 2n-1 step() calls on interleaved timesteps.
#include <cmath>

#include "euler_family.h"
#include "schedkit/diffusion/noise_schedule.h"

namespace schedkit::diffusion::internal {

SchedulerConfig HeunConfig() {
  std::vector<ConfigKey> k = TrainKeys(0.00085, 0.012, "scaled_linear");
  k.push_back(Str("prediction_type", "epsilon", PredictionTypes(false)));
  k.push_back(Bool("use_karras_sigmas", false));
  k.push_back(Bool("use_exponential_sigmas", false));
  k.push_back(Bool("use_beta_sigmas", false));
  k.push_back(Bool("clip_sample", false));
  k.push_back(Num("clip_sample_range", 1.0));
  k.push_back(Str("timestep_spacing", "linspace", {"linspace", "leading", "trailing"}));
  k.push_back(Num("steps_offset", 0));
  return SchedulerConfig("HeunDiscreteScheduler", std::move(k));
}

namespace {

class HeunScheduler final : public Scheduler {
 public:
  explicit HeunScheduler(const SchedulerConfig& c) : Scheduler(c) {
    LoadTrainSchedule(c, /*patch_zero_snr=*/true, betas_, alphas_cumprod_);
    table_ = MakeSigmaTable(alphas_cumprod_);
    std::vector<float> s(table_.sigmas.rbegin(), table_.sigmas.rend());
    init_noise_sigma_ = EulerInitNoiseSigma(s, c.GetString("timestep_spacing"));
  }
  bool ScalesModelInput() const override { return true; }

 protected:
  void DoSetTimesteps(const TimestepRequest& r) override {
    if (r.sigmas) Fail("custom sigmas are not supported; pass custom timesteps");
    EulerSchedule s = BuildEulerSchedule(config_, table_, alphas_cumprod_, r, class_name());
    num_inference_steps_ = static_cast<int>(s.timesteps.size());
    // Interleave: sigmas [s0, s1, s1, ..., s_{n-1}, s_{n-1}, 0], timesteps [t0, t1, t1, ..., t_{n-1},
    // t_{n-1}].
    sigmas_.clear();
    timesteps_.clear();
    sigmas_.push_back(s.sigmas[0]);
    for (size_t i = 1; i + 1 < s.sigmas.size(); ++i) {
      sigmas_.push_back(s.sigmas[i]);
      sigmas_.push_back(s.sigmas[i]);
    }
    sigmas_.push_back(s.sigmas.back());
    timesteps_.push_back(s.timesteps[0]);
    for (size_t i = 1; i < s.timesteps.size(); ++i) {
      timesteps_.push_back(s.timesteps[i]);
      timesteps_.push_back(s.timesteps[i]);
    }
    init_noise_sigma_ = EulerInitNoiseSigma(sigmas_, config_.GetString("timestep_spacing"));
    first_order_ = true;
  }
  void DoScaleModelInput(ConstTensor sample, MutTensor out) override {
    const double sigma = sigmas_[step_index_];
    const double scale = 1.0 / std::sqrt(sigma * sigma + 1);
    for (size_t i = 0; i < out.data.size(); ++i) out.data[i] = static_cast<float>(sample.data[i] * scale);
  }
  void DoStep(ConstTensor mo, MutTensor sample, const StepOptions&) override {
    const double sigma = first_order_ ? sigmas_[step_index_] : sigmas_[step_index_ - 1];
    const double sigma_next = first_order_ ? sigmas_[step_index_ + 1] : sigmas_[step_index_];
    const double sigma_input = first_order_ ? sigma : sigma_next;
    const std::string& pred = config_.GetString("prediction_type");
    double px, pm;
    if (pred == "epsilon") {
      px = 1, pm = -sigma_input;
    } else if (pred == "v_prediction") {
      px = 1 / (sigma_input * sigma_input + 1), pm = -sigma_input / std::sqrt(sigma_input * sigma_input + 1);
    } else {
      px = 0, pm = 1;
    }
    const size_t n = sample.data.size();
    pred_original_.resize(n);
    for (size_t i = 0; i < n; ++i)
      pred_original_[i] = static_cast<float>(px * sample.data[i] + pm * mo.data[i]);
    if (config_.GetBool("clip_sample")) ClipSample(pred_original_, config_.GetNumber("clip_sample_range"));
    if (first_order_) {
      dt_ = sigma_next - sigma;
      prev_derivative_.resize(n);
      saved_sample_.assign(sample.data.begin(), sample.data.end());
      for (size_t i = 0; i < n; ++i) {
        const double d = (sample.data[i] - static_cast<double>(pred_original_[i])) / sigma;
        prev_derivative_[i] = static_cast<float>(d);
        sample.data[i] = static_cast<float>(sample.data[i] + d * dt_);
      }
      first_order_ = false;
    } else {
      for (size_t i = 0; i < n; ++i) {
        const double d2 = (sample.data[i] - static_cast<double>(pred_original_[i])) / sigma_next;
        const double d = (prev_derivative_[i] + d2) / 2;
        sample.data[i] = static_cast<float>(saved_sample_[i] + d * dt_);
      }
      first_order_ = true;
    }
  }

 private:
  SigmaTableInfo table_;
  bool first_order_ = true;
  double dt_ = 0;
  std::vector<float> prev_derivative_, saved_sample_;
};

}  // namespace

std::unique_ptr<Scheduler> MakeHeun(const SchedulerConfig& c) { return std::make_unique<HeunScheduler>(c); }

}  // namespace schedkit::diffusion::internal
