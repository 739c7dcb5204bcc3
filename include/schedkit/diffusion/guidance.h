// Classifier-free guidance: combination, guidance rescale (zero-SNR paper §3.4) and weight schedules.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace schedkit::diffusion {

// out = uncond + scale * (cond - uncond), elementwise (float64 arithmetic, float32 output).
void CfgCombine(std::span<const float> uncond, std::span<const float> cond, double scale,
                std::span<float> out);

// diffusers rescale_noise_cfg: per batch item (shape[0]), std over the other dims with Bessel's correction,
// cfg <- phi * cfg * std(cond)/std(cfg) + (1 - phi) * cfg. Applied in place to `cfg`.
void RescaleNoiseCfg(std::span<float> cfg, std::span<const float> cond, std::span<const int64_t> shape,
                     double guidance_rescale);

// CFG weight schedules (after Wang et al. 2024, arXiv 2404.13040), mean over progress p in [0, 1] equal to w.
// p = 0 at the first (noisiest) step, 1 at the last. Names: constant, linear_increasing, linear_decreasing,
// cosine_increasing, sine_decreasing, v_shape, lambda_shape.
double GuidanceWeight(const std::string& schedule, double w, double p);
std::vector<std::string> GuidanceScheduleNames();
// Progress of step i of n (0 ... 1; 0 when n == 1).
double StepProgress(int i, int n);

}  // namespace schedkit::diffusion
