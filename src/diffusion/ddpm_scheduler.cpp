// DDPMScheduler: ancestral posterior sampling over integer timesteps (custom timesteps allowed).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "schedkit/diffusion/noise_schedule.h"
#include "scheduler_internal.h"

namespace schedkit::diffusion::internal {

SchedulerConfig DdpmConfig() {
  std::vector<ConfigKey> k = TrainKeys(0.0001, 0.02, "linear", /*allow_sigmoid=*/true);
  k.push_back(Str("variance_type", "fixed_small", {"fixed_small", "fixed_small_log", "fixed_large"}));
  k.push_back(Bool("clip_sample", true));
  k.push_back(Str("prediction_type", "epsilon", PredictionTypes(false)));
  k.push_back(Bool("thresholding", false));
  k.push_back(Num("dynamic_thresholding_ratio", 0.995));
  k.push_back(Num("clip_sample_range", 1.0));
  k.push_back(Num("sample_max_value", 1.0));
  k.push_back(Str("timestep_spacing", "leading", {"linspace", "leading", "trailing"}));
  k.push_back(Num("steps_offset", 0));
  k.push_back(Bool("rescale_betas_zero_snr", false));
  return SchedulerConfig("DDPMScheduler", std::move(k));
}

namespace {

class DdpmScheduler final : public Scheduler {
 public:
  explicit DdpmScheduler(const SchedulerConfig& c) : Scheduler(c) {
    LoadTrainSchedule(c, /*patch_zero_snr=*/false, betas_, alphas_cumprod_);
  }
  bool IsStochastic(const StepOptions&) const override { return true; }

 protected:
  void DoSetTimesteps(const TimestepRequest& r) override {
    const int N = config_.GetInt("num_train_timesteps");
    if (r.sigmas) Fail("custom sigmas are not supported; pass custom timesteps");
    if (r.timesteps) {
      if (r.num_inference_steps) Fail("pass num_inference_steps or custom timesteps, not both");
      CheckStrictlyDecreasing(*r.timesteps, "timesteps", class_name());
      if (r.timesteps->front() >= N)
        Fail(fmt::format("custom timesteps must start below num_train_timesteps ({})", N));
      timesteps_ = *r.timesteps;
      for (double t : timesteps_) {
        if (t != std::floor(t) || t < 0)
          Fail(fmt::format("custom timestep {} is not a non-negative integer", t));
      }
      num_inference_steps_ = static_cast<int>(timesteps_.size());
    } else {
      num_inference_steps_ = *r.num_inference_steps;
      timesteps_ = DdimTimesteps(config_.GetString("timestep_spacing"), N, num_inference_steps_,
                                 config_.GetInt("steps_offset"));
    }
  }

  void DoStep(ConstTensor mo, MutTensor sample, const StepOptions& o) override {
    const auto t = static_cast<int>(timesteps_[step_index_]);
    const int prev_t = step_index_ + 1 < static_cast<int>(timesteps_.size())
                           ? static_cast<int>(timesteps_[step_index_ + 1])
                           : -1;
    const double a_t = alphas_cumprod_[t];
    const double a_prev = prev_t >= 0 ? alphas_cumprod_[prev_t] : 1.0;
    const double b_t = 1 - a_t, b_prev = 1 - a_prev;
    const double cur_alpha = a_t / a_prev, cur_beta = 1 - cur_alpha;
    PredictOriginalSample(config_, a_t, sample, mo, pred_original_);
    const size_t n = sample.data.size();
    const double c_x0 = std::sqrt(a_prev) * cur_beta / b_t;
    const double c_x = std::sqrt(cur_alpha) * b_prev / b_t;
    double c_noise = 0;
    if (t > 0) {
      const double var = std::max(b_prev / b_t * cur_beta, 1e-20);
      const std::string& vt = config_.GetString("variance_type");
      if (vt == "fixed_small") {
        c_noise = std::sqrt(var);
      } else if (vt == "fixed_small_log") {
        c_noise = std::exp(0.5 * std::log(var));
      } else {
        c_noise = std::sqrt(cur_beta);
      }
      noise_.resize(n);
      Generator(o).Normal(noise_, sample.shape);
      const double c[3] = {c_x0, c_x, c_noise};
      const float* s[3] = {pred_original_.data(), sample.data.data(), noise_.data()};
      LinearCombine(sample.data, c, s, 3);
    } else {
      const double c[2] = {c_x0, c_x};
      const float* s[2] = {pred_original_.data(), sample.data.data()};
      LinearCombine(sample.data, c, s, 2);
    }
  }

 private:
  std::vector<float> noise_;
};

}  // namespace

std::unique_ptr<Scheduler> MakeDdpm(const SchedulerConfig& c) { return std::make_unique<DdpmScheduler>(c); }

}  // namespace schedkit::diffusion::internal
