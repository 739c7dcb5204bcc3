// LCMScheduler: consistency-model boundary conditions, fresh noise between steps.
#include <fmt/format.h>

#include <cmath>

#include "schedkit/diffusion/noise_schedule.h"
#include "scheduler_internal.h"

namespace schedkit::diffusion::internal {

SchedulerConfig LcmConfig() {
  std::vector<ConfigKey> k = TrainKeys(0.00085, 0.012, "scaled_linear");
  k.push_back(Num("original_inference_steps", 50));
  k.push_back(Bool("clip_sample", false));
  k.push_back(Num("clip_sample_range", 1.0));
  k.push_back(Bool("set_alpha_to_one", true));
  k.push_back(Num("steps_offset", 0));
  k.push_back(Str("prediction_type", "epsilon", PredictionTypes(false)));
  k.push_back(Bool("thresholding", false));
  k.push_back(Num("dynamic_thresholding_ratio", 0.995));
  k.push_back(Num("sample_max_value", 1.0));
  k.push_back(Str("timestep_spacing", "leading", {"linspace", "leading", "trailing"}));
  k.push_back(Num("timestep_scaling", 10.0));
  k.push_back(Bool("rescale_betas_zero_snr", false));
  return SchedulerConfig("LCMScheduler", std::move(k));
}

namespace {

class LcmScheduler final : public Scheduler {
 public:
  explicit LcmScheduler(const SchedulerConfig& c) : Scheduler(c) {
    LoadTrainSchedule(c, /*patch_zero_snr=*/false, betas_, alphas_cumprod_);
    final_alpha_cumprod_ = c.GetBool("set_alpha_to_one") ? 1.0f : alphas_cumprod_[0];
  }
  bool IsStochastic(const StepOptions&) const override { return true; }

 protected:
  void DoSetTimesteps(const TimestepRequest& r) override {
    const int N = config_.GetInt("num_train_timesteps");
    const int original = config_.GetInt("original_inference_steps");
    if (original > N || original < 1) {
      Fail(fmt::format("original_inference_steps ({}) must be in [1, num_train_timesteps={}]", original, N));
    }
    const int k = N / original;
    std::vector<double> origin;
    for (int i = 1; i <= original; ++i) origin.push_back(static_cast<double>(i * k - 1));
    if (r.sigmas) Fail("custom sigmas are not supported; pass custom timesteps");
    if (r.timesteps) {
      CheckStrictlyDecreasing(*r.timesteps, "timesteps", class_name());
      if (r.timesteps->front() >= N) Fail(fmt::format("custom timesteps must start below {}", N));
      if (static_cast<int>(r.timesteps->size()) > original) {
        Fail(fmt::format("{} custom timesteps exceed original_inference_steps ({})", r.timesteps->size(),
                         original));
      }
      timesteps_ = *r.timesteps;
      num_inference_steps_ = static_cast<int>(timesteps_.size());
      return;
    }
    const int n = *r.num_inference_steps;
    if (n > N) Fail(fmt::format("num_inference_steps ({}) cannot exceed num_train_timesteps ({})", n, N));
    if (n > original) {
      Fail(fmt::format("num_inference_steps ({}) cannot exceed original_inference_steps ({})", n, original));
    }
    num_inference_steps_ = n;
    timesteps_.clear();
    const double stride = static_cast<double>(original) / n;  // linspace(0, len, n, endpoint=False)
    for (int i = 0; i < n; ++i) {
      const auto idx = static_cast<size_t>(std::floor(i * stride));
      timesteps_.push_back(origin[origin.size() - 1 - idx]);
    }
  }

  void DoStep(ConstTensor mo, MutTensor sample, const StepOptions& o) override {
    const auto t = static_cast<int>(timesteps_[step_index_]);
    const int prev_t = step_index_ + 1 < static_cast<int>(timesteps_.size())
                           ? static_cast<int>(timesteps_[step_index_ + 1])
                           : t;
    const double a_t = alphas_cumprod_[t];
    const double a_prev = prev_t >= 0 ? alphas_cumprod_[prev_t] : final_alpha_cumprod_;
    const double sigma_data = 0.5;
    const double scaled = t * config_.GetNumber("timestep_scaling");
    const double c_skip = sigma_data * sigma_data / (scaled * scaled + sigma_data * sigma_data);
    const double c_out = scaled / std::sqrt(scaled * scaled + sigma_data * sigma_data);
    PredictOriginalSample(config_, a_t, sample, mo, pred_original_);
    const size_t n = sample.data.size();
    // pred_original_ becomes `denoised` (the LCM output the pipeline returns).
    for (size_t i = 0; i < n; ++i) {
      pred_original_[i] = static_cast<float>(c_out * pred_original_[i] + c_skip * sample.data[i]);
    }
    if (step_index_ != num_inference_steps_ - 1) {
      noise_.resize(n);
      Generator(o).Normal(noise_, sample.shape);
      const double c[2] = {std::sqrt(a_prev), std::sqrt(1 - a_prev)};
      const float* s[2] = {pred_original_.data(), noise_.data()};
      LinearCombine(sample.data, c, s, 2);
    } else {
      std::copy(pred_original_.begin(), pred_original_.end(), sample.data.begin());
    }
  }

 private:
  float final_alpha_cumprod_;
  std::vector<float> noise_;
};

}  // namespace

std::unique_ptr<Scheduler> MakeLcm(const SchedulerConfig& c) { return std::make_unique<LcmScheduler>(c); }

}  // namespace schedkit::diffusion::internal
