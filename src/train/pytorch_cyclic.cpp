// CyclicLR and OneCycleLR (both set the LR and cycle momentum themselves), and ReduceLROnPlateau.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <utility>

#include "check.h"
#include "schedkit/train/pytorch.h"

namespace schedkit::train::pytorch {

// ---- CyclicLR
CyclicLR::CyclicLR(OptimizerPtr optimizer, CyclicLROptions options)
    : LRScheduler([&] {
        // PyTorch sets group['lr'] = base_lr before the base constructor records initial_lr.
        detail::Require(optimizer != nullptr && !optimizer->param_groups.empty(), "CyclicLR",
                        "optimizer must have at least one param group");
        const auto n = optimizer->param_groups.size();
        const auto base = detail::PerGroup(options.base_lr, n, "CyclicLR", "base_lr");
        for (size_t i = 0; i < n; ++i) optimizer->param_groups[i].lr = base[i];
        return optimizer;
      }()),
      o_(std::move(options)) {
  const auto n = optimizer_->param_groups.size();
  base_lrs_ = detail::PerGroup(o_.base_lr, n, "CyclicLR", "base_lr");
  max_lrs_ = detail::PerGroup(o_.max_lr, n, "CyclicLR", "max_lr");
  detail::Require(o_.step_size_up > 0, "CyclicLR", "step_size_up must be > 0, got {}", o_.step_size_up);
  const double down = o_.step_size_down.value_or(o_.step_size_up);
  detail::Require(down > 0, "CyclicLR", "step_size_down must be > 0, got {}", down);
  total_size_ = o_.step_size_up + down;
  step_ratio_ = o_.step_size_up / total_size_;
  if (o_.mode == "triangular" || o_.mode == "triangular2") {
    scale_by_cycle_ = true;
    mode_ = o_.mode == "triangular" ? Mode::kTriangular : Mode::kTriangular2;
  } else if (o_.mode == "exp_range") {
    scale_by_cycle_ = false;
    mode_ = Mode::kExpRange;
  } else {
    throw Error(
        fmt::format("CyclicLR: mode must be one of triangular, triangular2, exp_range; got '{}'", o_.mode));
  }
  if (o_.cycle_momentum) {
    detail::Require(optimizer_->supports_momentum, "CyclicLR",
                    "optimizer must support momentum with the cycle_momentum option enabled");
    base_momentums_ = detail::PerGroup(o_.base_momentum, n, "CyclicLR", "base_momentum");
    max_momentums_ = detail::PerGroup(o_.max_momentum, n, "CyclicLR", "max_momentum");
    for (size_t i = 0; i < n; ++i) optimizer_->param_groups[i].momentum = base_momentums_[i];
  }
  InitialStep();
}

double CyclicLR::ScaleFn(double x) const {
  if (mode_ == Mode::kTriangular) return 1.0;
  if (mode_ == Mode::kTriangular2) return 1.0 / std::pow(2.0, x - 1.0);
  return std::pow(o_.gamma, x);
}

void CyclicLR::UpdateLrs() {
  const auto t = static_cast<double>(last_epoch_);
  const double cycle = std::floor(1.0 + t / total_size_);
  const double x = 1.0 + t / total_size_ - cycle;
  const double scale_factor = x <= step_ratio_ ? x / step_ratio_ : (x - 1.0) / (step_ratio_ - 1.0);
  const double s = ScaleFn(scale_by_cycle_ ? cycle : t);
  for (size_t i = 0; i < base_lrs_.size(); ++i) {
    const double base_height = (max_lrs_[i] - base_lrs_[i]) * scale_factor;
    optimizer_->param_groups[i].lr = base_lrs_[i] + base_height * s;
  }
  if (o_.cycle_momentum) {
    for (size_t i = 0; i < base_lrs_.size(); ++i) {
      const double base_height = (max_momentums_[i] - base_momentums_[i]) * scale_factor;
      optimizer_->param_groups[i].momentum = max_momentums_[i] - base_height * s;
    }
  }
}

// ---- OneCycleLR
OneCycleLR::OneCycleLR(OptimizerPtr optimizer, OneCycleLROptions options)
    : LRScheduler([&] {
        detail::Require(optimizer != nullptr && !optimizer->param_groups.empty(), "OneCycleLR",
                        "optimizer must have at least one param group");
        // PyTorch overwrites initial_lr with max_lr / div_factor before the base constructor.
        const auto maxes =
            detail::PerGroup(options.max_lr, optimizer->param_groups.size(), "OneCycleLR", "max_lr");
        detail::Require(options.div_factor > 0, "OneCycleLR", "div_factor must be > 0, got {}",
                        options.div_factor);
        detail::Require(options.final_div_factor > 0, "OneCycleLR", "final_div_factor must be > 0, got {}",
                        options.final_div_factor);
        for (size_t i = 0; i < maxes.size(); ++i) {
          auto& g = optimizer->param_groups[i];
          g.initial_lr = maxes[i] / options.div_factor;
          g.max_lr = maxes[i];
          g.min_lr = *g.initial_lr / options.final_div_factor;
        }
        return optimizer;
      }()),
      o_(std::move(options)) {
  if (o_.total_steps) {
    detail::RequirePositive(*o_.total_steps, "OneCycleLR", "total_steps");
    total_steps_ = *o_.total_steps;
  } else {
    detail::Require(o_.epochs.has_value() && o_.steps_per_epoch.has_value(), "OneCycleLR",
                    "you must define either total_steps or (epochs and steps_per_epoch)");
    detail::RequirePositive(*o_.epochs, "OneCycleLR", "epochs");
    detail::RequirePositive(*o_.steps_per_epoch, "OneCycleLR", "steps_per_epoch");
    total_steps_ = *o_.epochs * *o_.steps_per_epoch;
  }
  detail::Require(o_.pct_start >= 0.0 && o_.pct_start <= 1.0, "OneCycleLR",
                  "pct_start must be a float between 0 and 1, got {}", o_.pct_start);
  detail::Require(o_.anneal_strategy == "cos" || o_.anneal_strategy == "linear", "OneCycleLR",
                  "anneal_strategy must be one of cos, linear; got '{}'", o_.anneal_strategy);
  anneal_cos_ = o_.anneal_strategy == "cos";
  const auto T = static_cast<double>(total_steps_);
  if (o_.three_phase) {
    phases_ = {{o_.pct_start * T - 1.0, 0, 1, 0, 1},
               {2.0 * o_.pct_start * T - 2.0, 1, 0, 1, 0},
               {T - 1.0, 0, 2, 0, 0}};
  } else {
    phases_ = {{o_.pct_start * T - 1.0, 0, 1, 0, 1}, {T - 1.0, 1, 2, 1, 0}};
  }
  if (o_.cycle_momentum) {
    detail::Require(optimizer_->supports_momentum, "OneCycleLR",
                    "optimizer must support momentum with the cycle_momentum option enabled");
    const auto n = optimizer_->param_groups.size();
    const auto maxm = detail::PerGroup(o_.max_momentum, n, "OneCycleLR", "max_momentum");
    const auto basem = detail::PerGroup(o_.base_momentum, n, "OneCycleLR", "base_momentum");
    for (size_t i = 0; i < n; ++i) {
      auto& g = optimizer_->param_groups[i];
      g.momentum = maxm[i];
      g.max_momentum = maxm[i];
      g.base_momentum = basem[i];
    }
  }
  InitialStep();
}

void OneCycleLR::UpdateLrs() {
  detail::Require(last_epoch_ <= total_steps_, "OneCycleLR",
                  "tried to step {} times; the specified number of total_steps is {}", last_epoch_ + 1,
                  total_steps_);
  // The phase and pct depend on the step only, so they (and cos(pi * pct)) are computed once per step and
  // shared by every group's lr and momentum: the same values PyTorch's per-call _anneal_func produces.
  const auto step = static_cast<double>(last_epoch_);
  double start_step = 0.0;
  size_t p = 0;
  for (; p + 1 < phases_.size() && step > phases_[p].end_step; ++p) start_step = phases_[p].end_step;
  const Phase& ph = phases_[p];
  const double pct = (step - start_step) / (ph.end_step - start_step);
  const double cos_out = anneal_cos_ ? std::cos(std::numbers::pi * pct) + 1.0 : 0.0;
  const auto anneal = [&](double start, double end) {
    return anneal_cos_ ? end + (start - end) / 2.0 * cos_out : (end - start) * pct + start;
  };
  for (auto& g : optimizer_->param_groups) {
    const double lr_of[3] = {*g.initial_lr, g.max_lr, g.min_lr};
    g.lr = anneal(lr_of[ph.start_lr], lr_of[ph.end_lr]);
    if (o_.cycle_momentum) {
      const double mom_of[2] = {g.max_momentum, g.base_momentum};
      g.momentum = anneal(mom_of[ph.start_momentum], mom_of[ph.end_momentum]);
    }
  }
}

// ---- ReduceLROnPlateau
ReduceLROnPlateau::ReduceLROnPlateau(OptimizerPtr optimizer, ReduceLROnPlateauOptions options)
    : optimizer_(std::move(optimizer)), o_(std::move(options)) {
  detail::Require(optimizer_ != nullptr && !optimizer_->param_groups.empty(), "ReduceLROnPlateau",
                  "optimizer must have at least one param group");
  detail::Require(o_.factor < 1.0, "ReduceLROnPlateau", "factor must be < 1.0, got {}", o_.factor);
  detail::Require(o_.factor >= 0.0, "ReduceLROnPlateau", "factor must be >= 0, got {}", o_.factor);
  detail::Require(o_.mode == "min" || o_.mode == "max", "ReduceLROnPlateau",
                  "mode must be one of min, max; got '{}'", o_.mode);
  detail::Require(o_.threshold_mode == "rel" || o_.threshold_mode == "abs", "ReduceLROnPlateau",
                  "threshold_mode must be one of rel, abs; got '{}'", o_.threshold_mode);
  detail::RequireNonNegative(o_.patience, "ReduceLROnPlateau", "patience");
  detail::RequireNonNegative(o_.cooldown, "ReduceLROnPlateau", "cooldown");
  detail::RequireFinite(o_.threshold, "ReduceLROnPlateau", "threshold");
  min_lrs_ = detail::PerGroup(o_.min_lr, optimizer_->param_groups.size(), "ReduceLROnPlateau", "min_lr");
  best_ =
      o_.mode == "min" ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
  for (const auto& g : optimizer_->param_groups) last_lr_.push_back(g.lr);
}

bool ReduceLROnPlateau::IsBetter(double a, double best) const {
  if (o_.mode == "min" && o_.threshold_mode == "rel") return a < best * (1.0 - o_.threshold);
  if (o_.mode == "min") return a < best - o_.threshold;
  if (o_.threshold_mode == "rel") return a > best * (o_.threshold + 1.0);
  return a > best + o_.threshold;
}

void ReduceLROnPlateau::Step(double metric) {
  detail::Require(std::isfinite(metric), "ReduceLROnPlateau",
                  "metrics must be a finite number, got {} at epoch {}", metric, last_epoch_ + 1);
  ++last_epoch_;
  if (IsBetter(metric, best_)) {
    best_ = metric;
    num_bad_epochs_ = 0;
  } else {
    ++num_bad_epochs_;
  }
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    num_bad_epochs_ = 0;  // bad epochs in cooldown do not count
  }
  if (num_bad_epochs_ > o_.patience) {
    auto& groups = optimizer_->param_groups;
    for (size_t i = 0; i < groups.size(); ++i) {
      const double old_lr = groups[i].lr;
      const double new_lr = std::max(old_lr * o_.factor, min_lrs_[i]);
      if (old_lr - new_lr > o_.eps) groups[i].lr = new_lr;
    }
    cooldown_counter_ = o_.cooldown;
    num_bad_epochs_ = 0;
  }
  last_lr_.clear();
  for (const auto& g : optimizer_->param_groups) last_lr_.push_back(g.lr);
}

}  // namespace schedkit::train::pytorch
