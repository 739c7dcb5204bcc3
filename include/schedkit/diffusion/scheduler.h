// The scheduler protocol of diffusers pipelines (set_timesteps, scale_model_input, step) in C++.
//
// Usage, mirroring a diffusers pipeline:
//   auto s = MakeScheduler("DPMSolverMultistepScheduler", {"use_karras_sigmas=true"});
//   s->SetTimesteps(25);
//   scale x by s->init_noise_sigma();
//   for (double t : s->timesteps()) { s->ScaleModelInput(x, t, xin); model(xin, t, out); s->Step(out, t, x);
//   }
// `Step` updates the sample in place. Arithmetic is float64 on float32 buffers; schedule tables are float32
// as in diffusers.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schedkit/diffusion/config.h"
#include "schedkit/diffusion/tensor.h"

namespace schedkit::diffusion {

// Arguments of set_timesteps: exactly one of num_inference_steps, sigmas or timesteps (diffusers rules).
struct TimestepRequest {
  std::optional<int> num_inference_steps;
  std::optional<std::vector<double>> sigmas;     // custom, strictly decreasing (Euler, FlowMatch, UniPC)
  std::optional<std::vector<double>> timesteps;  // custom, strictly decreasing (DPM, DDPM, LCM, Heun, ...)
  std::optional<double> mu;                      // dynamic shifting
};

// Extra step() arguments. Each scheduler reads only the ones diffusers' step() takes.
struct StepOptions {
  NoiseSource* generator = nullptr;       // nullptr: the scheduler's own NormalNoise(seed 0)
  double eta = 0.0;                       // DDIM
  bool use_clipped_model_output = false;  // DDIM
  double s_churn = 0.0, s_tmin = 0.0, s_tmax = 1e300, s_noise = 1.0;  // Euler
  bool allow_nan = false;  // true: do not reject NaN in the model output
};

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  const std::string& class_name() const { return config_.class_name(); }
  const SchedulerConfig& config() const { return config_; }

  void SetTimesteps(int num_inference_steps);
  void SetTimesteps(const TimestepRequest& request);

  // One entry per step() call (Heun: 2n-1). Integer schedulers hold integers.
  const std::vector<double>& timesteps() const { return timesteps_; }
  // float32 sigmas including the appended final sigma; empty for DDIM, DDPM and LCM.
  const std::vector<float>& sigmas() const { return sigmas_; }
  double init_noise_sigma() const { return init_noise_sigma_; }
  const std::vector<float>& alphas_cumprod() const { return alphas_cumprod_; }
  int num_inference_steps() const { return num_inference_steps_; }
  // Index of the next step() call (0 before the first).
  int step_index() const { return step_index_; }
  // Whether scale_model_input changes the sample.
  virtual bool ScalesModelInput() const { return false; }
  // Whether step() draws noise.
  virtual bool IsStochastic(const StepOptions& options) const;
  // Number of model evaluations of a full trajectory.
  int NumModelEvaluations() const { return static_cast<int>(timesteps_.size()); }

  // Writes the model input for the current step into `out` (a copy when the scheduler does not scale).
  void ScaleModelInput(ConstTensor sample, double timestep, MutTensor out);
  // Advances `sample` by one step in place. Throws schedkit::Error on a shape mismatch, NaN in the model
  // output (unless options.allow_nan), a call before SetTimesteps or past the last timestep.
  void Step(ConstTensor model_output, double timestep, MutTensor sample, const StepOptions& options = {});
  // diffusers' pred_original_sample / denoised of the last step (empty when the scheduler has none).
  const std::vector<float>& pred_original_sample() const { return pred_original_; }

 protected:
  explicit Scheduler(SchedulerConfig config);
  virtual void DoSetTimesteps(const TimestepRequest& request) = 0;
  virtual void DoScaleModelInput(ConstTensor sample, MutTensor out);
  virtual void DoStep(ConstTensor model_output, MutTensor sample, const StepOptions& options) = 0;
  // Locates the first step index from a timestep (diffusers' index_for_timestep).
  virtual int IndexForTimestep(double timestep) const;
  NoiseSource& Generator(const StepOptions& options);
  [[noreturn]] void Fail(const std::string& message) const;

  SchedulerConfig config_;
  std::vector<float> betas_;
  std::vector<float> alphas_cumprod_;
  std::vector<double> timesteps_;
  std::vector<float> sigmas_;
  std::vector<float> pred_original_;
  double init_noise_sigma_ = 1.0;
  double current_timestep_ = 0.0;  // timestep passed to the step() in progress
  int num_inference_steps_ = 0;
  int step_index_ = 0;
  bool started_ = false;
  bool timesteps_set_ = false;
  NormalNoise default_noise_{0};
};

// Scheduler ids: diffusers class names and short names (ddim, ddpm, euler, euler_ancestral, heun,
// dpmsolver_multistep, dpmsolver_singlestep, deis, unipc, lcm, flow_match_euler).
std::vector<std::string> SchedulerNames();
// Builds a scheduler from "key=value" overrides. Throws schedkit::Error listing valid names/keys.
std::unique_ptr<Scheduler> MakeScheduler(std::string_view name,
                                         const std::vector<std::string>& overrides = {});
std::unique_ptr<Scheduler> MakeScheduler(std::string_view name, const SchedulerConfig& config);
// The default config of a scheduler (to edit before MakeScheduler).
SchedulerConfig DefaultConfig(std::string_view name);

}  // namespace schedkit::diffusion
