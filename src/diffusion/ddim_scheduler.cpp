// DDIMScheduler: deterministic (eta = 0) or stochastic DDIM steps over integer timesteps.
#include <fmt/format.h>

#include <cmath>

#include "schedkit/diffusion/noise_schedule.h"
#include "scheduler_internal.h"

namespace schedkit::diffusion::internal {

SchedulerConfig DdimConfig() {
  std::vector<ConfigKey> k = TrainKeys(0.0001, 0.02, "linear");
  k.push_back(Bool("clip_sample", true));
  k.push_back(Bool("set_alpha_to_one", true));
  k.push_back(Num("steps_offset", 0));
  k.push_back(Str("prediction_type", "epsilon", PredictionTypes(false)));
  k.push_back(Bool("thresholding", false));
  k.push_back(Num("dynamic_thresholding_ratio", 0.995));
  k.push_back(Num("clip_sample_range", 1.0));
  k.push_back(Num("sample_max_value", 1.0));
  k.push_back(Str("timestep_spacing", "leading", {"linspace", "leading", "trailing"}));
  k.push_back(Bool("rescale_betas_zero_snr", false));
  return SchedulerConfig("DDIMScheduler", std::move(k));
}

namespace {

class DdimScheduler final : public Scheduler {
 public:
  explicit DdimScheduler(const SchedulerConfig& c) : Scheduler(c) {
    LoadTrainSchedule(c, /*patch_zero_snr=*/false, betas_, alphas_cumprod_);
    final_alpha_cumprod_ = c.GetBool("set_alpha_to_one") ? 1.0f : alphas_cumprod_[0];
  }
  bool IsStochastic(const StepOptions& o) const override { return o.eta > 0; }

 protected:
  void DoSetTimesteps(const TimestepRequest& r) override {
    if (!r.num_inference_steps)
      Fail("set_timesteps needs num_inference_steps (custom sigmas/timesteps unsupported)");
    const int n = *r.num_inference_steps;
    timesteps_ = DdimTimesteps(config_.GetString("timestep_spacing"), config_.GetInt("num_train_timesteps"),
                               n, config_.GetInt("steps_offset"));
    num_inference_steps_ = n;
    sigmas_.clear();
  }

  void DoStep(ConstTensor mo, MutTensor sample, const StepOptions& o) override {
    const int N = config_.GetInt("num_train_timesteps");
    const double tt = current_timestep_;
    const auto t = static_cast<int>(tt);
    if (tt != t || t < 0 || t >= N) Fail(fmt::format("timestep {} is not an integer in [0, {})", tt, N));
    const int prev_t = t - N / num_inference_steps_;
    const double a_t = alphas_cumprod_[t];
    const double a_prev = prev_t >= 0 ? alphas_cumprod_[prev_t] : final_alpha_cumprod_;
    const double b_t = 1 - a_t;
    const std::string& pred = config_.GetString("prediction_type");
    // eps = ex*x + em*m, from the raw output (x0 is thresholded or clipped after)
    double ex, em;
    if (pred == "epsilon") {
      ex = 0, em = 1;
    } else if (pred == "sample") {
      ex = 1 / std::sqrt(b_t), em = -std::sqrt(a_t) / std::sqrt(b_t);
    } else {
      ex = std::sqrt(b_t), em = std::sqrt(a_t);
    }
    const size_t n = sample.data.size();
    eps_.resize(n);
    for (size_t i = 0; i < n; ++i) eps_[i] = static_cast<float>(ex * sample.data[i] + em * mo.data[i]);
    PredictOriginalSample(config_, a_t, sample, mo, pred_original_);
    const double variance = ((1 - a_prev) / b_t) * (1 - a_t / a_prev);
    const double std_dev = o.eta * std::sqrt(variance);
    if (o.use_clipped_model_output) {
      for (size_t i = 0; i < n; ++i) {
        eps_[i] = static_cast<float>((sample.data[i] - std::sqrt(a_t) * pred_original_[i]) / std::sqrt(b_t));
      }
    }
    const double c_x0 = std::sqrt(a_prev);
    const double c_eps = std::sqrt(1 - a_prev - std_dev * std_dev);
    if (o.eta > 0) {
      noise_.resize(n);
      Generator(o).Normal(noise_, sample.shape);
      const double c[3] = {c_x0, c_eps, std_dev};
      const float* s[3] = {pred_original_.data(), eps_.data(), noise_.data()};
      LinearCombine(sample.data, c, s, 3);
    } else {
      const double c[2] = {c_x0, c_eps};
      const float* s[2] = {pred_original_.data(), eps_.data()};
      LinearCombine(sample.data, c, s, 2);
    }
  }

 private:
  float final_alpha_cumprod_;
  std::vector<float> eps_, noise_;
};

}  // namespace

std::unique_ptr<Scheduler> MakeDdim(const SchedulerConfig& c) { return std::make_unique<DdimScheduler>(c); }

}  // namespace schedkit::diffusion::internal
