// timm schedulers (timm/scheduler/*.py at aa4b5850), same operation order as the Python.
#include "schedkit/train/timm.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

#include "check.h"

namespace schedkit::train::timm {
namespace {

constexpr double kPi = std::numbers::pi;

struct CyclePosition {
  int64_t i;     // cycle index
  double t_i;    // cycle length
  double t_cur;  // position in the cycle
};

CyclePosition Locate(double t, const CycleOptions& c) {
  const auto t0 = static_cast<double>(c.t_initial);
  if (c.cycle_mul != 1.0) {
    const auto i = static_cast<int64_t>(
        std::floor(std::log(1.0 - t / t0 * (1.0 - c.cycle_mul)) / std::log(c.cycle_mul)));
    const double mi = std::pow(c.cycle_mul, static_cast<double>(i));
    return {i, mi * t0, t - (1.0 - mi) / (1.0 - c.cycle_mul) * t0};
  }
  const auto i = static_cast<int64_t>(std::floor(t / t0));
  return {i, t0, t - (t0 * static_cast<double>(i))};
}

void CheckCycle(const CycleOptions& c, std::string_view where) {
  detail::RequirePositive(c.t_initial, where, "t_initial");
  detail::Require(c.lr_min >= 0, where, fmt::format("lr_min must be >= 0, got {}", c.lr_min));
  detail::Require(c.cycle_mul > 0, where, fmt::format("cycle_mul must be > 0, got {}", c.cycle_mul));
  detail::RequireFinite(c.cycle_decay, where, "cycle_decay");
  detail::RequireFinite(c.k_decay, where, "k_decay");
}

}  // namespace

Scheduler::Scheduler(OptimizerPtr optimizer, bool t_in_epochs, WarmupOptions warmup)
    : optimizer_(std::move(optimizer)), t_in_epochs_(t_in_epochs), warmup_(warmup) {
  detail::Require(optimizer_ != nullptr && !optimizer_->param_groups.empty(), "timm scheduler",
                  "optimizer must have at least one param group");
  detail::RequireNonNegative(warmup_.warmup_t, "timm scheduler", "warmup_t");
  for (auto& g : optimizer_->param_groups) {
    if (!g.initial_lr) g.initial_lr = g.lr;
    base_values_.push_back(*g.initial_lr);
  }
  if (warmup_.warmup_t > 0) {
    for (double v : base_values_) {
      warmup_steps_.push_back((v - warmup_.warmup_lr_init) / static_cast<double>(warmup_.warmup_t));
    }
    UpdateGroups(std::vector<double>(base_values_.size(), warmup_.warmup_lr_init));
  } else {
    warmup_steps_.assign(base_values_.size(), 1.0);
  }
}

void Scheduler::UpdateGroups(const std::vector<double>& values) {
  auto& groups = optimizer_->param_groups;
  for (size_t i = 0; i < groups.size() && i < values.size(); ++i) groups[i].lr = values[i];
}

std::vector<double> Scheduler::WarmupLrs(int64_t t) const {
  std::vector<double> out;
  for (double s : warmup_steps_) out.push_back(warmup_.warmup_lr_init + static_cast<double>(t) * s);
  return out;
}

void Scheduler::Step(int64_t epoch, std::optional<double>) {
  if (t_in_epochs_) UpdateGroups(LrAt(epoch));
}

void Scheduler::StepUpdate(int64_t num_updates, std::optional<double> metric) {
  if (!t_in_epochs_) {
    UpdateGroups(LrAt(num_updates));
  } else {
    (void)metric;
  }
}

// ---- Cosine
CosineLRScheduler::CosineLRScheduler(OptimizerPtr optimizer, CycleOptions cycle, WarmupOptions warmup,
                                     bool t_in_epochs)
    : Scheduler(std::move(optimizer), t_in_epochs, warmup), c_(cycle) {
  CheckCycle(c_, "CosineLRScheduler");
}

std::vector<double> CosineLRScheduler::LrAt(int64_t step) const {
  if (step < warmup_.warmup_t) return WarmupLrs(step);
  int64_t t = warmup_.warmup_prefix ? step - warmup_.warmup_t : step;
  const auto pos = Locate(static_cast<double>(t), c_);
  const double gamma = std::pow(c_.cycle_decay, static_cast<double>(pos.i));
  std::vector<double> out;
  for (double v : base_values_) {
    const double lr_max = v * gamma;
    if (pos.i < c_.cycle_limit) {
      out.push_back(c_.lr_min + 0.5 * (lr_max - c_.lr_min) *
                                    (1.0 + std::cos(kPi * std::pow(pos.t_cur, c_.k_decay) /
                                                    std::pow(pos.t_i, c_.k_decay))));
    } else {
      out.push_back(c_.lr_min);
    }
  }
  return out;
}

// ---- Poly
PolyLRScheduler::PolyLRScheduler(OptimizerPtr optimizer, CycleOptions cycle, double power,
                                 WarmupOptions warmup, bool t_in_epochs)
    : Scheduler(std::move(optimizer), t_in_epochs, warmup), c_(cycle), power_(power) {
  CheckCycle(c_, "PolyLRScheduler");
  detail::RequireFinite(power, "PolyLRScheduler", "power");
}

std::vector<double> PolyLRScheduler::LrAt(int64_t step) const {
  if (step < warmup_.warmup_t) return WarmupLrs(step);
  int64_t t = warmup_.warmup_prefix ? step - warmup_.warmup_t : step;
  const auto pos = Locate(static_cast<double>(t), c_);
  const double gamma = std::pow(c_.cycle_decay, static_cast<double>(pos.i));
  std::vector<double> out;
  for (double v : base_values_) {
    const double lr_max = v * gamma;
    if (pos.i < c_.cycle_limit) {
      out.push_back(c_.lr_min + (lr_max - c_.lr_min) * std::pow(1.0 - std::pow(pos.t_cur, c_.k_decay) /
                                                                          std::pow(pos.t_i, c_.k_decay),
                                                                power_));
    } else {
      out.push_back(c_.lr_min);
    }
  }
  return out;
}

// ---- Tanh
TanhLRScheduler::TanhLRScheduler(OptimizerPtr optimizer, CycleOptions cycle, double lb, double ub,
                                 WarmupOptions warmup, bool t_in_epochs)
    : Scheduler(std::move(optimizer), t_in_epochs, warmup), c_(cycle), lb_(lb), ub_(ub) {
  CheckCycle(c_, "TanhLRScheduler");
  detail::Require(lb < ub, "TanhLRScheduler", fmt::format("lb ({}) must be < ub ({})", lb, ub));
  // timm's tanh warms up towards its own value at warmup_t (unless warmup_prefix), not the base value.
  if (warmup_.warmup_t > 0 && !warmup_.warmup_prefix) {
    const auto target = LrAt(warmup_.warmup_t);
    for (size_t i = 0; i < target.size(); ++i) {
      warmup_steps_[i] = (target[i] - warmup_.warmup_lr_init) / static_cast<double>(warmup_.warmup_t);
    }
  }
}

std::vector<double> TanhLRScheduler::LrAt(int64_t step) const {
  if (step < warmup_.warmup_t) return WarmupLrs(step);
  int64_t t = warmup_.warmup_prefix ? step - warmup_.warmup_t : step;
  const auto pos = Locate(static_cast<double>(t), c_);
  std::vector<double> out;
  for (double v : base_values_) {
    if (pos.i < c_.cycle_limit) {
      const double gamma = std::pow(c_.cycle_decay, static_cast<double>(pos.i));
      const double lr_max = v * gamma;
      const double tr = pos.t_cur / pos.t_i;
      out.push_back(c_.lr_min + 0.5 * (lr_max - c_.lr_min) * (1.0 - std::tanh(lb_ * (1.0 - tr) + ub_ * tr)));
    } else {
      out.push_back(c_.lr_min);
    }
  }
  return out;
}

// ---- Step
StepLRScheduler::StepLRScheduler(OptimizerPtr optimizer, double decay_t, double decay_rate,
                                 WarmupOptions warmup, bool t_in_epochs)
    : Scheduler(std::move(optimizer), t_in_epochs, warmup), decay_t_(decay_t), decay_rate_(decay_rate) {
  detail::Require(decay_t > 0, "StepLRScheduler", fmt::format("decay_t must be > 0, got {}", decay_t));
  detail::RequireFinite(decay_rate, "StepLRScheduler", "decay_rate");
}

std::vector<double> StepLRScheduler::LrAt(int64_t step) const {
  if (step < warmup_.warmup_t) return WarmupLrs(step);
  int64_t t = warmup_.warmup_prefix ? step - warmup_.warmup_t : step;
  const double k = std::floor(static_cast<double>(t) / decay_t_);
  std::vector<double> out;
  for (double v : base_values_) out.push_back(v * std::pow(decay_rate_, k));
  return out;
}

// ---- MultiStep
MultiStepLRScheduler::MultiStepLRScheduler(OptimizerPtr optimizer, std::vector<int64_t> decay_t,
                                           double decay_rate, WarmupOptions warmup, bool t_in_epochs)
    : Scheduler(std::move(optimizer), t_in_epochs, warmup),
      decay_t_(std::move(decay_t)),
      decay_rate_(decay_rate) {
  for (size_t i = 1; i < decay_t_.size(); ++i) {
    detail::Require(decay_t_[i] >= decay_t_[i - 1], "MultiStepLRScheduler",
                    fmt::format("decay_t must be in increasing order: decay_t[{}] = {} < decay_t[{}] = {}", i,
                                decay_t_[i], i - 1, decay_t_[i - 1]));
  }
  detail::RequireFinite(decay_rate, "MultiStepLRScheduler", "decay_rate");
}

std::vector<double> MultiStepLRScheduler::LrAt(int64_t step) const {
  if (step < warmup_.warmup_t) return WarmupLrs(step);
  int64_t t = warmup_.warmup_prefix ? step - warmup_.warmup_t : step;
  // timm: bisect_right(decay_t, t + 1).
  const auto k = std::upper_bound(decay_t_.begin(), decay_t_.end(), t + 1) - decay_t_.begin();
  std::vector<double> out;
  for (double v : base_values_) out.push_back(v * std::pow(decay_rate_, static_cast<double>(k)));
  return out;
}

// ---- Plateau
PlateauLRScheduler::PlateauLRScheduler(OptimizerPtr optimizer, PlateauOptions o, WarmupOptions warmup)
    : Scheduler(optimizer, true, warmup) {
  pytorch::ReduceLROnPlateauOptions p;
  p.mode = o.mode;
  p.factor = o.decay_rate;
  p.patience = o.patience_t;
  p.threshold = o.threshold;
  p.cooldown = o.cooldown_t;
  p.min_lr = {o.lr_min};
  plateau_ = std::make_unique<pytorch::ReduceLROnPlateau>(optimizer_, p);
}

void PlateauLRScheduler::Step(int64_t epoch, std::optional<double> metric) {
  if (epoch <= warmup_.warmup_t) {
    UpdateGroups(WarmupLrs(epoch));
    return;
  }
  detail::Require(metric.has_value(), "PlateauLRScheduler",
                  fmt::format("step(epoch={}) needs a metric after warmup", epoch));
  plateau_->Step(*metric);
}

std::vector<double> PlateauLRScheduler::LrAt(int64_t) const {
  throw Error("PlateauLRScheduler: the LR depends on the metrics fed to Step(); it has no LrAt(t)");
}

}  // namespace schedkit::train::timm
