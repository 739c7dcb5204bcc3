// Training noise schedules (betas, alphas_cumprod), timestep spacings and sigma-schedule conversions,
// each following diffusers' float32/float64 arithmetic so that integer timesteps match exactly.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace schedkit::diffusion {

// Betas of `schedule` (linear, scaled_linear, squaredcos_cap_v2, sigmoid) in float32, as torch builds them.
std::vector<float> MakeBetas(const std::string& schedule, int num_train_timesteps, double beta_start,
                             double beta_end);
// "Common Diffusion Noise Schedules and Sample Steps are Flawed", Alg. 1, in float32 torch order.
std::vector<float> RescaleZeroTerminalSnr(std::span<const float> betas);
// Cumulative product of (1 - beta): float64 accumulation, each prefix rounded to float32 (torch CPU cumprod).
std::vector<float> AlphasCumprod(std::span<const float> betas);
// sqrt((1 - ac) / ac) in float32.
std::vector<float> SigmaTable(std::span<const float> alphas_cumprod);

// numpy.linspace(start, stop, num) in float64 (endpoint included).
std::vector<double> Linspace(double start, double stop, int num);
// torch.linspace(start, stop, num, dtype=float32).
std::vector<float> TorchLinspaceF32(float start, float stop, int num);
// numpy.arange(start, stop, step) for a negative or positive float step.
std::vector<double> Arange(double start, double stop, double step);
// numpy round-half-to-even.
double RoundHalfEven(double x);
// numpy.interp(x, arange(len(fp)), fp) with fp given in float32.
double InterpTable(double x, std::span<const float> fp);

// diffusers `_sigma_to_t`: linear interpolation in log sigma between neighbouring table entries,
// weight clipped to [0, 1]. `log_sigmas` is the float32 log of the ascending sigma table.
// `sigma_is_float32` reproduces numpy's float32 arithmetic when diffusers passes float32 sigmas.
double SigmaToT(double sigma, std::span<const float> log_sigmas, bool sigma_is_float32 = false);
std::vector<float> LogTable(std::span<const float> table);

// Sigma ramps (descending), as diffusers' _convert_to_karras/_exponential/_beta.
std::vector<double> KarrasSigmas(double sigma_min, double sigma_max, int n, double rho = 7.0);
std::vector<double> ExponentialSigmas(double sigma_min, double sigma_max, int n);
std::vector<double> BetaSigmas(double sigma_min, double sigma_max, int n, double alpha = 0.6,
                               double beta = 0.6);
// Inverse CDF of Beta(a, b) (scipy.stats.beta.ppf), to ~1e-14.
double BetaPpf(double q, double a, double b);
// Regularized incomplete beta I_x(a, b).
double RegularizedIncompleteBeta(double x, double a, double b);

// Euler-family float timesteps ("linspace", "leading", "trailing"), descending, as float32 values.
std::vector<double> FloatTimesteps(const std::string& spacing, int num_train_timesteps, int n,
                                   int steps_offset);
// DDIM/DDPM integer timesteps (linspace is rounded linspace(0, N-1, n)).
std::vector<double> DdimTimesteps(const std::string& spacing, int num_train_timesteps, int n,
                                  int steps_offset);
// DPM/UniPC/DEIS integer timesteps (linspace over n+1 points, leading with N//(n+1)); `last_timestep`
// is N unless lambda_min_clipped cuts it.
std::vector<double> MultistepTimesteps(const std::string& spacing, int num_train_timesteps, int last_timestep,
                                       int n, int steps_offset);

// The betas/alphas_cumprod a scheduler builds from its config keys.
struct TrainSchedule {
  std::vector<float> betas;
  std::vector<float> alphas_cumprod;
};
TrainSchedule MakeTrainSchedule(const std::string& beta_schedule, int num_train_timesteps, double beta_start,
                                double beta_end, bool rescale_zero_snr,
                                const std::optional<std::vector<double>>& trained_betas = std::nullopt);

}  // namespace schedkit::diffusion
