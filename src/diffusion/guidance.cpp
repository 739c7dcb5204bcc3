// Classifier-free guidance helpers.
#include "schedkit/diffusion/guidance.h"

#include <fmt/format.h>

#include <cmath>
#include <numbers>

#include "schedkit/util/error.h"

namespace schedkit::diffusion {

void CfgCombine(std::span<const float> u, std::span<const float> c, double scale, std::span<float> out) {
  if (u.size() != c.size() || out.size() != c.size()) {
    throw Error(fmt::format("CFG: uncond ({}), cond ({}) and output ({}) sizes differ", u.size(), c.size(),
                            out.size()));
  }
  for (size_t i = 0; i < c.size(); ++i) {
    out[i] = static_cast<float>(static_cast<double>(u[i]) + scale * (static_cast<double>(c[i]) - u[i]));
  }
}

namespace {
double StdUnbiased(const float* x, size_t n) {
  double mean = 0;
  for (size_t i = 0; i < n; ++i) mean += x[i];
  mean /= static_cast<double>(n);
  double ss = 0;
  for (size_t i = 0; i < n; ++i) ss += (x[i] - mean) * (x[i] - mean);
  return std::sqrt(ss / static_cast<double>(n - 1));
}
}  // namespace

void RescaleNoiseCfg(std::span<float> cfg, std::span<const float> cond, std::span<const int64_t> shape,
                     double phi) {
  if (cfg.size() != cond.size()) throw Error("guidance rescale: cfg and cond sizes differ");
  const int64_t batch = shape.empty() ? 1 : shape[0];
  if (batch <= 0 || cfg.size() % static_cast<size_t>(batch) != 0)
    throw Error("guidance rescale: bad batch axis");
  const size_t per = cfg.size() / static_cast<size_t>(batch);
  if (per < 2) throw Error("guidance rescale needs at least 2 elements per batch item");
  for (int64_t b = 0; b < batch; ++b) {
    float* x = cfg.data() + b * per;
    const double ratio = StdUnbiased(cond.data() + b * per, per) / StdUnbiased(x, per);
    for (size_t i = 0; i < per; ++i) x[i] = static_cast<float>(phi * (x[i] * ratio) + (1 - phi) * x[i]);
  }
}

std::vector<std::string> GuidanceScheduleNames() {
  return {"constant",        "linear_increasing", "linear_decreasing", "cosine_increasing",
          "sine_decreasing", "v_shape",           "lambda_shape"};
}

double GuidanceWeight(const std::string& s, double w, double p) {
  const double pi = std::numbers::pi;
  if (s == "constant") return w;
  if (s == "linear_increasing") return 2 * w * p;
  if (s == "linear_decreasing") return 2 * w * (1 - p);
  if (s == "cosine_increasing") return w * (1 - std::cos(pi * p));
  if (s == "sine_decreasing") return w * (1 + std::cos(pi * p));
  if (s == "v_shape") return 2 * w * std::fabs(2 * p - 1);
  if (s == "lambda_shape") return 2 * w * (1 - std::fabs(2 * p - 1));
  throw Error(fmt::format("unknown guidance schedule '{}'; valid schedules: {}", s,
                          fmt::join(GuidanceScheduleNames(), ", ")));
}

double StepProgress(int i, int n) { return n <= 1 ? 0.0 : static_cast<double>(i) / (n - 1); }

}  // namespace schedkit::diffusion
