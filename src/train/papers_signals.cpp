// Paper schedules driven by values or observed signals: refined linear decay from gradient norms, scheduled
// weight decay, masking rate, scheduled sampling, and the AdAdaGrad norm test.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "check.h"
#include "schedkit/train/papers.h"

namespace schedkit::train::papers {
namespace {
using detail::D;
}  // namespace

// ---- Refinement (facebookresearch/adaptive_scheduling find_closed_form_schedule + README recipe)
int64_t RefinementFilterWidth(double sigma, int64_t T) {
  detail::Require(sigma > 0 && std::isfinite(sigma), "refinement", "sigma must be > 0, got {}", sigma);
  detail::RequirePositive(T, "refinement", "T");
  return 2 * static_cast<int64_t>(std::floor(sigma * D(T) / 2.0)) + 1;
}

std::vector<double> MedianFilterForRefinement(const std::vector<double>& g, int64_t width) {
  const auto n = static_cast<int64_t>(g.size());
  detail::Require(n >= 2, "refinement", "gnorms needs at least 2 values, got {}", n);
  detail::Require(width >= 1 && width % 2 == 1, "refinement",
                  "filter width must be a positive odd integer, got {}", width);
  for (size_t i = 0; i < g.size(); ++i) {
    detail::Require(std::isfinite(g[i]), "refinement", "gnorms[{}] is not finite ({})", i, g[i]);
  }
  // numpy.pad(g, (0, 2*width), mode='reflect'): mirror about the last sample, without repeating it.
  const int64_t padded_n = n + 2 * width;
  std::vector<double> padded(static_cast<size_t>(padded_n));
  const int64_t period = 2 * (n - 1);
  for (int64_t j = 0; j < padded_n; ++j) {
    int64_t m = j % period;
    if (m >= n) m = period - m;
    padded[static_cast<size_t>(j)] = g[static_cast<size_t>(m)];
  }
  // scipy.ndimage.median_filter(size=width, mode='nearest'), then crop to the first n.
  const int64_t half = width / 2;
  std::vector<double> out(static_cast<size_t>(n)), window(static_cast<size_t>(width));
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t k = -half; k <= half; ++k) {
      const int64_t j = std::clamp<int64_t>(i + k, 0, padded_n - 1);
      window[static_cast<size_t>(k + half)] = padded[static_cast<size_t>(j)];
    }
    std::nth_element(window.begin(), window.begin() + half, window.end());
    out[static_cast<size_t>(i)] = window[static_cast<size_t>(half)];
  }
  return out;
}

RefinedSchedule RefineFromGradNorms(const std::vector<double>& g, const std::vector<double>& weights) {
  const size_t T = g.size();
  detail::Require(T >= 2, "refinement", "gnorms needs at least 2 values, got {}", T);
  RefinedSchedule r;
  // Two output-sized buffers only (each is 8 MB at 10^6 steps, so every extra one costs page faults): the
  // weights live in r.values and the tail sums in r.raw until the last two passes overwrite them in place.
  std::vector<double>& w = r.values;
  if (weights.empty()) {
    w.resize(T);
    for (size_t i = 0; i < T; ++i) {
      detail::Require(std::isfinite(g[i]) && g[i] > 0, "refinement",
                      "gnorms[{}] must be a positive finite number, got {}", i, g[i]);
      w[i] = std::pow(g[i], -2.0);
    }
  } else {
    detail::Require(weights.size() == T, "refinement", "weights must have one value per step ({}), got {}", T,
                    weights.size());
    w = weights;
  }
  for (size_t i = 0; i < T; ++i) {
    detail::Require(std::isfinite(w[i]) && w[i] > 0, "refinement",
                    "weights[{}] must be a positive finite number, got {}", i, w[i]);
  }
  // tail[i] = sum_{p >= i} w[p], accumulated from the end (same order as before).
  std::vector<double>& tail = r.raw;
  tail.resize(T);
  tail[T - 1] = w[T - 1];
  for (size_t i = T - 1; i-- > 0;) tail[i] = tail[i + 1] + w[i];
  // raw[t] = w[t] * tail[t+1] / tail[T-1]: going forward, tail[t+1] is still intact when raw[t] is written.
  const double denom = tail[T - 1];
  for (size_t t = 0; t + 1 < T; ++t) tail[t] = w[t] * tail[t + 1] / denom;
  tail[T - 1] = 0.0;
  const double peak = *std::max_element(r.raw.begin(), r.raw.end());
  for (size_t t = 0; t < T; ++t) r.values[t] = r.raw[t] / peak;
  return r;
}

// ---- SWD
double SwdMultiplier(double weight_decay, double lr, double mean_vhat) {
  detail::Require(std::isfinite(mean_vhat) && mean_vhat > 0, "SWD",
                  "mean_vhat must be a positive finite number, got {}", mean_vhat);
  detail::RequireFinite(weight_decay, "SWD", "weight_decay");
  detail::RequireFinite(lr, "SWD", "lr");
  return 1.0 - weight_decay * lr / std::sqrt(mean_vhat);
}

double MeanOfSecondMoments(const std::vector<double>& vhat) {
  detail::Require(!vhat.empty(), "SWD", "vhat must not be empty");
  double s = 0.0;
  for (double v : vhat) s += v;
  return s / D(static_cast<int64_t>(vhat.size()));
}

double SgdsMultiplier(double weight_decay, double lr, double momentum, double dampening) {
  detail::Require(momentum < 1.0, "SGDS", "momentum must be < 1, got {}", momentum);
  return 1.0 - lr * weight_decay * (1.0 - dampening) / (1.0 - momentum);
}

// ---- Masking rate
SchedulePtr MaskingRate(double p_start, double p_end, int64_t T, const std::string& shape,
                        int64_t num_levels) {
  const char* where = "masking_rate";
  detail::RequirePositive(T, where, "T");
  detail::Require(p_start >= 0 && p_start <= 1, where, "p_start must be in [0, 1], got {}", p_start);
  detail::Require(p_end >= 0 && p_end <= 1, where, "p_end must be in [0, 1], got {}", p_end);
  if (shape == "linear") {
    return FromFunction([=](int64_t t) { return p_start + (p_end - p_start) * D(std::min(t, T)) / D(T); });
  }
  if (shape == "cosine") {
    return FromFunction([=](int64_t t) {
      const double p = D(std::min(t, T)) / D(T);
      return p_end + (p_start - p_end) * (1.0 + std::cos(std::numbers::pi * p)) / 2.0;
    });
  }
  if (shape == "step") {
    detail::RequirePositive(num_levels, where, "num_levels");
    return FromFunction([=](int64_t t) {
      if (t >= T) return p_end;
      const auto level = (std::min(t, T) * num_levels) / T;  // 0 .. num_levels-1
      const double frac = num_levels == 1 ? 0.0 : D(level) / D(num_levels - 1);
      return p_start + (p_end - p_start) * frac;
    });
  }
  throw Error(fmt::format("{}: shape must be one of linear, cosine, step; got '{}'", where, shape));
}

// ---- Scheduled sampling
SchedulePtr ScheduledSamplingLinear(double k, double c, double epsilon) {
  detail::RequireFinite(k, "scheduled_sampling_linear", "k");
  detail::Require(c >= 0, "scheduled_sampling_linear", "c must be >= 0, got {}", c);
  detail::RequireFinite(epsilon, "scheduled_sampling_linear", "epsilon");
  return FromFunction([=](int64_t i) { return std::max(epsilon, k - c * D(i)); });
}

SchedulePtr ScheduledSamplingExponential(double k) {
  detail::Require(k > 0 && k < 1, "scheduled_sampling_exponential", "k must be in (0, 1), got {}", k);
  return FromFunction([=](int64_t i) { return std::pow(k, D(i)); });
}

SchedulePtr ScheduledSamplingInverseSigmoid(double k) {
  detail::Require(k >= 1 && std::isfinite(k), "scheduled_sampling_inverse_sigmoid", "k must be >= 1, got {}",
                  k);
  return FromFunction([=](int64_t i) { return k / (k + std::exp(D(i) / k)); });
}

// ---- AdAdaGrad norm test
NormTestStatistics ComputeNormTestStatistics(const std::vector<std::vector<double>>& g) {
  const char* where = "AdAdaGrad norm test";
  detail::Require(g.size() >= 2, where,
                  "per_sample_grads needs at least 2 samples for an unbiased variance, got {}", g.size());
  const size_t d = g[0].size();
  detail::Require(d > 0, where, "per_sample_grads rows must not be empty");
  for (size_t i = 0; i < g.size(); ++i) {
    detail::Require(g[i].size() == d, where, "per_sample_grads[{}] has {} values, expected {}", i,
                    g[i].size(), d);
  }
  const double n = D(static_cast<int64_t>(g.size()));
  NormTestStatistics s;
  for (size_t j = 0; j < d; ++j) {
    double mean = 0.0;
    for (const auto& row : g) mean += row[j];
    mean /= n;
    double ss = 0.0;
    for (const auto& row : g) ss += (row[j] - mean) * (row[j] - mean);
    s.variance_one_norm += ss / (n - 1.0);
    s.grad_norm_squared += mean * mean;
  }
  return s;
}

NormTestBatchSize::NormTestBatchSize(int64_t initial_batch_size, double eta, int64_t max_batch_size)
    : batch_size_(initial_batch_size), eta_(eta), max_batch_size_(max_batch_size) {
  detail::RequirePositive(initial_batch_size, "AdAdaGrad norm test", "initial_batch_size");
  detail::Require(eta > 0 && std::isfinite(eta), "AdAdaGrad norm test", "eta must be > 0, got {}", eta);
  detail::Require(max_batch_size >= initial_batch_size, "AdAdaGrad norm test",
                  "max_batch_size ({}) must be >= initial_batch_size ({})", max_batch_size,
                  initial_batch_size);
}

int64_t NormTestBatchSize::Update(double variance_one_norm, double grad_norm_squared) {
  const char* where = "AdAdaGrad norm test";
  detail::Require(std::isfinite(variance_one_norm) && variance_one_norm >= 0, where,
                  "variance_one_norm must be a finite number >= 0, got {}", variance_one_norm);
  detail::Require(std::isfinite(grad_norm_squared) && grad_norm_squared > 0, where,
                  "grad_norm_squared must be a finite number > 0, got {}", grad_norm_squared);
  const double wanted = variance_one_norm / (eta_ * eta_ * grad_norm_squared);
  const double next = std::ceil(std::max(D(batch_size_), wanted));
  batch_size_ = next >= D(max_batch_size_) ? max_batch_size_ : static_cast<int64_t>(next);
  return batch_size_;
}

}  // namespace schedkit::train::papers
