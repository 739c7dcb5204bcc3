// Hugging Face transformers schedules: the lr_lambda of each get_*_schedule function in
// transformers/optimization.py (commit 005edacb), with the same operation order.
#include "schedkit/train/hf.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "check.h"

namespace schedkit::train::hf {
namespace {

constexpr double kPi = std::numbers::pi;

using detail::D;

// Shared argument checks: step counts non-negative, warmup not longer than training.
void CheckSteps(std::string_view where, int64_t warmup, std::optional<int64_t> total) {
  detail::RequireNonNegative(warmup, where, "num_warmup_steps");
  if (total) {
    detail::RequirePositive(*total, where, "num_training_steps");
    detail::Require(warmup <= *total, where, "num_warmup_steps ({}) must not exceed num_training_steps ({})",
                    warmup, *total);
  }
}

double WarmupFactor(int64_t s, int64_t w) { return D(s) / D(std::max<int64_t>(1, w)); }

double Progress(int64_t s, int64_t w, int64_t n) { return D(s - w) / D(std::max<int64_t>(1, n - w)); }

}  // namespace

SchedulePtr Linear(int64_t w, int64_t n) {
  CheckSteps("linear", w, n);
  return FromFunction([=](int64_t s) {
    if (s < w) return WarmupFactor(s, w);
    return std::max(0.0, D(n - s) / D(std::max<int64_t>(1, n - w)));
  });
}

SchedulePtr Cosine(int64_t w, int64_t n, double num_cycles) {
  CheckSteps("cosine", w, n);
  detail::RequireFinite(num_cycles, "cosine", "num_cycles");
  return FromFunction([=](int64_t s) {
    if (s < w) return WarmupFactor(s, w);
    const double p = Progress(s, w, n);
    return std::max(0.0, 0.5 * (1.0 + std::cos(kPi * num_cycles * 2.0 * p)));
  });
}

SchedulePtr CosineWithHardRestarts(int64_t w, int64_t n, double num_cycles) {
  CheckSteps("cosine_with_restarts", w, n);
  detail::RequireFinite(num_cycles, "cosine_with_restarts", "num_cycles");
  return FromFunction([=](int64_t s) {
    if (s < w) return WarmupFactor(s, w);
    const double p = Progress(s, w, n);
    if (p >= 1.0) return 0.0;
    return std::max(0.0, 0.5 * (1.0 + std::cos(kPi * std::fmod(num_cycles * p, 1.0))));
  });
}

SchedulePtr Polynomial(int64_t w, int64_t n, double lr_init, double lr_end, double power) {
  CheckSteps("polynomial", w, n);
  detail::Require(lr_init > lr_end, "polynomial", "lr_end ({}) must be smaller than the initial lr ({})",
                  lr_end, lr_init);
  detail::Require(n > w, "polynomial", "num_training_steps ({}) must exceed num_warmup_steps ({})", n, w);
  return FromFunction([=](int64_t s) {
    if (s < w) return WarmupFactor(s, w);
    if (s > n) return lr_end / lr_init;
    const double lr_range = lr_init - lr_end;
    const auto decay_steps = n - w;
    const double pct_remaining = 1.0 - D(s - w) / D(decay_steps);
    const double decay = lr_range * std::pow(pct_remaining, power) + lr_end;
    return decay / lr_init;
  });
}

SchedulePtr ConstantSchedule() { return Constant(1.0); }

SchedulePtr ConstantWithWarmup(int64_t w) {
  CheckSteps("constant_with_warmup", w, std::nullopt);
  return FromFunction([=](int64_t s) { return s < w ? WarmupFactor(s, w) : 1.0; });
}

SchedulePtr InverseSqrt(int64_t w, std::optional<double> timescale) {
  CheckSteps("inverse_sqrt", w, std::nullopt);
  const double ts = timescale ? *timescale : (w != 0 ? D(w) : 10000.0);
  detail::Require(ts > 0, "inverse_sqrt", "timescale must be > 0, got {}", ts);
  return FromFunction([=](int64_t s) {
    if (s < w) return WarmupFactor(s, w);
    const double shift = ts - D(w);
    return 1.0 / std::sqrt((D(s) + shift) / ts);
  });
}

SchedulePtr CosineWithMinLr(int64_t w, int64_t n, double r, double num_cycles) {
  CheckSteps("cosine_with_min_lr", w, n);
  detail::RequireFinite(r, "cosine_with_min_lr", "min_lr_rate");
  return FromFunction([=](int64_t s) {
    if (s < w) return WarmupFactor(s, w);
    const double p = Progress(s, w, n);
    double f = 0.5 * (1.0 + std::cos(kPi * num_cycles * 2.0 * p));
    f = f * (1.0 - r) + r;
    return std::max(0.0, f);
  });
}

SchedulePtr CosineWarmupWithMinLr(int64_t w, int64_t n, double r, std::optional<double> warmup_lr_rate,
                                  double num_cycles) {
  CheckSteps("cosine_warmup_with_min_lr", w, n);
  detail::RequireFinite(r, "cosine_warmup_with_min_lr", "min_lr_rate");
  return FromFunction([=](int64_t s) {
    if (s < w) {
      if (!warmup_lr_rate) return D(s + 1) / D(std::max<int64_t>(1, w));
      const double wr = *warmup_lr_rate;
      return wr + (1.0 - wr) * D(s) / D(std::max<int64_t>(1, w - 1));
    }
    const double p = D(s - w + 1) / D(std::max<int64_t>(1, n - w));
    double f = 0.5 * (1.0 + std::cos(kPi * num_cycles * 2.0 * p));
    f = f * (1.0 - r) + r;
    return std::max(0.0, f);
  });
}

SchedulePtr WarmupStableDecay(const WsdOptions& o) {
  const char* where = "warmup_stable_decay";
  detail::RequireNonNegative(o.num_warmup_steps, where, "num_warmup_steps");
  detail::RequireNonNegative(o.num_stable_steps, where, "num_stable_steps");
  detail::RequireNonNegative(o.num_decay_steps, where, "num_decay_steps");
  for (const auto* t : {&o.warmup_type, &o.decay_type}) {
    detail::Require(*t == "linear" || *t == "cosine" || *t == "1-sqrt", where,
                    "{} must be one of linear, cosine, 1-sqrt; got '{}'",
                    t == &o.warmup_type ? "warmup_type" : "decay_type", *t);
  }
  const WsdOptions c = o;
  return FromFunction([c](int64_t s) {
    const double m = c.min_lr_ratio;
    if (s < c.num_warmup_steps) {
      const double p = D(s) / D(std::max<int64_t>(1, c.num_warmup_steps));
      double f = p;
      if (c.warmup_type == "cosine") f = 0.5 * (1.0 - std::cos(kPi * p));
      if (c.warmup_type == "1-sqrt") f = 1.0 - std::sqrt(1.0 - p);
      f = f * (1.0 - m) + m;
      return std::max(0.0, f);
    }
    if (s < c.num_warmup_steps + c.num_stable_steps) return 1.0;
    if (s < c.num_warmup_steps + c.num_stable_steps + c.num_decay_steps) {
      const double p =
          D(s - c.num_warmup_steps - c.num_stable_steps) / D(std::max<int64_t>(1, c.num_decay_steps));
      double f = 1.0 - p;
      if (c.decay_type == "cosine") f = 0.5 * (1.0 + std::cos(kPi * c.num_cycles * 2.0 * p));
      if (c.decay_type == "1-sqrt") f = 1.0 - std::sqrt(p);
      f = f * (1.0 - m) + m;
      return std::max(0.0, f);
    }
    return m;
  });
}

}  // namespace schedkit::train::hf
