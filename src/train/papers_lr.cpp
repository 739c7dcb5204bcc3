// LR schedules from papers: dolomite-engine WSD variants, the Power scheduler, REX, linear decay.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "check.h"
#include "schedkit/train/papers.h"
#include "schedkit/util/parse.h"

namespace schedkit::train::papers {
namespace {

using detail::D;

struct Boundaries {
  int64_t warmup, constant, decay;
};

Boundaries DolomiteBoundaries(const DolomiteOptions& o, const char* where) {
  detail::RequireNonNegative(o.num_warmup_steps, where, "num_warmup_steps");
  detail::RequireNonNegative(o.num_constant_steps, where, "num_constant_steps");
  detail::RequirePositive(o.num_training_steps, where, "num_training_steps");
  detail::RequireFinite(o.lr_decay_factor, where, "lr_decay_factor");
  Boundaries b{o.num_warmup_steps, o.num_warmup_steps + o.num_constant_steps, o.num_training_steps};
  if (o.num_decay_steps) {
    detail::RequirePositive(*o.num_decay_steps, where, "num_decay_steps");
    b.decay = b.constant + *o.num_decay_steps;
  }
  detail::Require(b.constant <= o.num_training_steps, where,
                  "num_warmup_steps + num_constant_steps ({}) must not exceed num_training_steps ({})",
                  b.constant, o.num_training_steps);
  detail::Require(b.decay > b.constant, where, "the decay phase must be at least one step long");
  return b;
}

// The decay from 1 at x = 0 to f at x = t (dolomite's _linear / _cosine / _exponential).
double DecayValue(DecayShape shape, double f, double t, double x) {
  switch (shape) {
    case DecayShape::kLinear:
      return (f - 1.0) / t * x + 1.0;
    case DecayShape::kCosine:
      return (1.0 - f) * (1.0 + std::cos(std::numbers::pi * x / t)) / 2.0 + f;
    case DecayShape::kExponential: {
      constexpr double e = std::numbers::e;
      const double a = (1.0 - f) * e / (e - 1.0);
      const double b = (f * e - 1.0) / (e - 1.0);
      return a * std::exp(-x / t) + b;
    }
  }
  return f;
}

}  // namespace

DecayShape ParseDecayShape(const std::string& name, const char* argument) {
  static constexpr util::NamedValue<DecayShape> kShapes[] = {{"linear", DecayShape::kLinear},
                                                             {"cosine", DecayShape::kCosine},
                                                             {"exponential", DecayShape::kExponential}};
  return util::ParseEnum<DecayShape>(name, argument, kShapes);
}

SchedulePtr DolomiteWsd(DecayShape shape, const DolomiteOptions& o) {
  const auto b = DolomiteBoundaries(o, "dolomite scheduler");
  const double f = o.lr_decay_factor;
  return FromFunction([=](int64_t n) {
    if (b.warmup > 0 && n <= b.warmup) return 1.0 / D(b.warmup) * D(n) + 0.0;
    if (n <= b.constant) return 1.0;
    // Exponential runs through the end; linear and cosine hold f after the decay boundary.
    if (shape != DecayShape::kExponential && n > b.decay) return f;
    return DecayValue(shape, f, D(b.decay - b.constant), D(n - b.constant));
  });
}

SchedulePtr DolomiteConstant(int64_t w) {
  detail::RequireNonNegative(w, "ConstantScheduler", "num_warmup_steps");
  return FromFunction([=](int64_t n) { return (w > 0 && n <= w) ? 1.0 / D(w) * D(n) + 0.0 : 1.0; });
}

SchedulePtr Power(const PowerOptions& o) {
  const char* where = "PowerScheduler";
  detail::RequirePositive(o.num_warmup_steps, where,
                          "num_warmup_steps");  // the power law is infinite at step 0
  detail::RequirePositive(o.num_training_steps, where, "num_training_steps");
  detail::Require(o.num_warmup_steps <= o.num_training_steps, where,
                  "num_warmup_steps ({}) must not exceed num_training_steps ({})", o.num_warmup_steps,
                  o.num_training_steps);
  detail::Require(o.optimizer_lr > 0, where, "the optimizer lr must be > 0, got {}", o.optimizer_lr);
  detail::Require(o.c > 0, where, "c must be > 0, got {}", o.c);
  detail::RequireFinite(o.a, where, "a");
  detail::RequireFinite(o.b, where, "b");
  const int64_t w = o.num_warmup_steps, n_total = o.num_training_steps;
  int64_t decay_start = n_total;
  if (o.num_decay_steps && *o.num_decay_steps > 0) {
    decay_start = n_total - *o.num_decay_steps;
    detail::Require(decay_start >= w, where,
                    "num_warmup_steps ({}) + num_decay_steps ({}) must not exceed num_training_steps ({})", w,
                    *o.num_decay_steps, n_total);
  }
  const double scale = o.a / o.optimizer_lr;
  auto power = [=](int64_t n) { return std::min(1.0, scale * std::pow(D(n) * o.c, o.b)); };
  const double max_during_warmup = std::min(1.0, scale * std::pow(D(w) * o.c, o.b));
  const double at_decay_start = decay_start <= w ? max_during_warmup : power(decay_start);
  const double span = D(n_total - decay_start);
  return FromFunction([=](int64_t n) {
    if (n <= w) return max_during_warmup / D(w) * D(n) + 0.0;
    if (n <= decay_start || span == 0.0) return power(n);  // no decay phase: dolomite's power law throughout
    const double x = D(std::min(n, n_total) - decay_start);
    return at_decay_start * DecayValue(o.decay_shape, o.lr_decay_factor, span, x);
  });
}

SchedulePtr RexPaper(double max_lr, double min_lr, int64_t T) {
  detail::RequirePositive(T, "REX", "T");
  detail::Require(min_lr <= max_lr, "REX", "min_lr ({}) must be <= max_lr ({})", min_lr, max_lr);
  return FromFunction([=](int64_t t) {
    const double z = 1.0 - D(std::min(t, T)) / D(T);
    return min_lr + (max_lr - min_lr) * z / (0.5 + 0.5 * z);
  });
}

SchedulePtr RexCode(double max_val, double min_val, int64_t num_epochs) {
  detail::RequirePositive(num_epochs, "REX_LR", "num_epochs");
  detail::Require(min_val <= max_val, "REX_LR", "min_val ({}) must be <= max_val ({})", min_val, max_val);
  return FromFunction([=](int64_t t) {
    const double mod_iter = D(detail::PyMod(t, num_epochs));
    const double z = (D(num_epochs) - mod_iter) / D(num_epochs);
    return min_val + (max_val - min_val) * (z / (1.0 - 0.9 + 0.9 * z));
  });
}

SchedulePtr LinearDecay(int64_t T) {
  detail::RequirePositive(T, "linear_decay", "T");
  return FromFunction([=](int64_t t) { return 1.0 - D(std::min(t, T)) / D(T); });
}

}  // namespace schedkit::train::papers
