// Private helpers shared by the scheduler implementations (not installed).
#pragma once

#include <cmath>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "schedkit/diffusion/config.h"
#include "schedkit/diffusion/scheduler.h"

namespace schedkit::diffusion::internal {

// Config key builders.
ConfigKey Bool(std::string name, bool def);
ConfigKey Num(std::string name, double def);
ConfigKey OptNum(std::string name);
ConfigKey Str(std::string name, std::string def, std::vector<std::string> choices);
ConfigKey OptStr(std::string name, std::vector<std::string> choices);
ConfigKey NumList(std::string name);
// num_train_timesteps, beta_start, beta_end, beta_schedule, trained_betas with the given defaults.
std::vector<ConfigKey> TrainKeys(double beta_start, double beta_end, const std::string& beta_schedule,
                                 bool allow_sigmoid = false);
std::vector<std::string> PredictionTypes(bool with_flow);

// The training schedule a config names (beta_schedule, num_train_timesteps, beta_start / beta_end,
// trained_betas, and rescale_betas_zero_snr when the config has that key). `patch_zero_snr`: with zero-SNR
// rescaling, alphas_cumprod[-1] becomes 2^-24, as diffusers' Euler and solver schedulers do to keep sigma_max
// finite.
void LoadTrainSchedule(const SchedulerConfig& c, bool patch_zero_snr, std::vector<float>& betas,
                       std::vector<float>& alphas_cumprod);

// alpha_t, sigma_t of a VP (or flow) noise level given diffusers' sigma (float32).
struct AlphaSigma {
  double alpha;
  double sigma;
  double lambda() const { return std::log(alpha) - std::log(sigma); }
};
inline AlphaSigma FromSigma(float s, bool flow) {
  const double sd = s;
  if (flow) return {1.0 - sd, sd};
  const double a = 1.0 / std::sqrt(sd * sd + 1.0);
  return {a, sd * a};
}

// out[i] = sum_k coef[k] * src[k][i], k < count (count <= 6). `out` may alias a source.
void LinearCombine(std::span<float> out, const double* coef, const float* const* src, int count);

// Dynamic thresholding (Imagen): per batch item, s = clamp(quantile(|x|, ratio), 1, max); x =
// clamp(x,-s,s)/s.
void ThresholdSample(std::span<float> x, std::span<const int64_t> shape, double ratio, double max_value);
void ClipSample(std::span<float> x, double range);
// x0 from the model output at alphas_cumprod `a_t` (DDPM, DDIM, LCM): prediction_type epsilon, sample or
// v_prediction, then thresholding or clip_sample as the config says. Resizes x0 to the sample.
void PredictOriginalSample(const SchedulerConfig& c, double a_t, ConstTensor sample, ConstTensor model_output,
                           std::vector<float>& x0);

// Shared sigma-table machinery for schedulers that work in sigma space.
struct SigmaTableInfo {
  std::vector<float> sigmas;      // ascending with t (index = train timestep)
  std::vector<float> log_sigmas;  // float32 log of `sigmas`
};
SigmaTableInfo MakeSigmaTable(std::span<const float> alphas_cumprod);

// Checks a custom descending list (sigmas or timesteps) and throws naming `what`.
void CheckStrictlyDecreasing(std::span<const double> values, const std::string& what, const std::string& who,
                             bool allow_final_equal = false);

// Factories of the concrete classes.
std::unique_ptr<Scheduler> MakeDdim(const SchedulerConfig& c);
std::unique_ptr<Scheduler> MakeDdpm(const SchedulerConfig& c);
std::unique_ptr<Scheduler> MakeEuler(const SchedulerConfig& c);
std::unique_ptr<Scheduler> MakeEulerAncestral(const SchedulerConfig& c);
std::unique_ptr<Scheduler> MakeHeun(const SchedulerConfig& c);
std::unique_ptr<Scheduler> MakeDpmMultistep(const SchedulerConfig& c);
std::unique_ptr<Scheduler> MakeDpmSinglestep(const SchedulerConfig& c);
std::unique_ptr<Scheduler> MakeDeis(const SchedulerConfig& c);
std::unique_ptr<Scheduler> MakeUniPC(const SchedulerConfig& c);
std::unique_ptr<Scheduler> MakeLcm(const SchedulerConfig& c);
std::unique_ptr<Scheduler> MakeFlowMatchEuler(const SchedulerConfig& c);

SchedulerConfig DdimConfig();
SchedulerConfig DdpmConfig();
SchedulerConfig EulerConfig();
SchedulerConfig EulerAncestralConfig();
SchedulerConfig HeunConfig();
SchedulerConfig DpmMultistepConfig();
SchedulerConfig DpmSinglestepConfig();
SchedulerConfig DeisConfig();
SchedulerConfig UniPCConfig();
SchedulerConfig LcmConfig();
SchedulerConfig FlowMatchEulerConfig();

}  // namespace schedkit::diffusion::internal
