// The stateless-recursion PyTorch schedulers: each UpdateLrs() is PyTorch 1.13's get_lr() (identical to main
// for a fresh scheduler), with the same operation order so that sequences match bit for bit.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

#include "check.h"
#include "schedkit/train/pytorch.h"

namespace schedkit::train::pytorch {
namespace {

constexpr double kPi = std::numbers::pi;

// No change (PyTorch returns the current group lrs).
void CurrentLrs(const Optimizer&) {}

// group.lr = f(group.lr) for every group.
template <typename F>
void MapLrs(Optimizer& opt, F f) {
  for (auto& g : opt.param_groups) g.lr = f(g.lr);
}

// Closed forms: f(base_lr) per group, as a new vector.
template <typename F>
std::vector<double> MapBase(const std::vector<double>& base, F f) {
  std::vector<double> out;
  for (double b : base) out.push_back(f(b));
  return out;
}

// group.lr = f(base_lr) for every group.
template <typename F>
void SetFromBase(Optimizer& opt, const std::vector<double>& base, F f) {
  for (size_t i = 0; i < base.size(); ++i) opt.param_groups[i].lr = f(base[i]);
}

}  // namespace

// ---- StepLR
StepLR::StepLR(OptimizerPtr optimizer, int64_t step_size, double gamma)
    : LRScheduler(std::move(optimizer)), step_size_(step_size), gamma_(gamma) {
  detail::RequirePositive(step_size, "StepLR", "step_size");
  detail::RequireFinite(gamma, "StepLR", "gamma");
  InitialStep();
}

void StepLR::UpdateLrs() {
  if (last_epoch_ == 0 || last_epoch_ % step_size_ != 0) return CurrentLrs(*optimizer_);
  return MapLrs(*optimizer_, [&](double lr) { return lr * gamma_; });
}

std::optional<std::vector<double>> StepLR::ClosedFormLr() const {
  const auto k = static_cast<double>(detail::PyFloorDiv(last_epoch_, step_size_));
  return MapBase(base_lrs_, [&](double b) { return b * std::pow(gamma_, k); });
}

// ---- MultiStepLR
MultiStepLR::MultiStepLR(OptimizerPtr optimizer, std::vector<int64_t> milestones, double gamma)
    : LRScheduler(std::move(optimizer)), milestones_(std::move(milestones)), gamma_(gamma) {
  for (size_t i = 0; i < milestones_.size(); ++i) {
    detail::Require(milestones_[i] >= 0, "MultiStepLR", "milestones[{}] must be >= 0, got {}", i,
                    milestones_[i]);
    detail::Require(i == 0 || milestones_[i] >= milestones_[i - 1], "MultiStepLR",
                    "milestones must be in increasing order: milestones[{}] = {} < milestones[{}] = {}", i,
                    milestones_[i], i - 1, milestones_[i - 1]);
  }
  detail::RequireFinite(gamma, "MultiStepLR", "gamma");
  InitialStep();
}

void MultiStepLR::UpdateLrs() {
  const auto count = std::count(milestones_.begin(), milestones_.end(), last_epoch_);
  if (count == 0) return CurrentLrs(*optimizer_);
  const double f = std::pow(gamma_, static_cast<double>(count));
  return MapLrs(*optimizer_, [&](double lr) { return lr * f; });
}

std::optional<std::vector<double>> MultiStepLR::ClosedFormLr() const {
  const auto k = std::upper_bound(milestones_.begin(), milestones_.end(), last_epoch_) - milestones_.begin();
  return MapBase(base_lrs_, [&](double b) { return b * std::pow(gamma_, static_cast<double>(k)); });
}

// ---- ConstantLR
ConstantLR::ConstantLR(OptimizerPtr optimizer, double factor, int64_t total_iters)
    : LRScheduler(std::move(optimizer)), factor_(factor), total_iters_(total_iters) {
  detail::Require(factor >= 0.0 && factor <= 1.0, "ConstantLR", "factor must be between 0 and 1, got {}",
                  factor);
  detail::RequirePositive(total_iters, "ConstantLR", "total_iters");
  InitialStep();
}

void ConstantLR::UpdateLrs() {
  if (last_epoch_ == 0) return MapLrs(*optimizer_, [&](double lr) { return lr * factor_; });
  if (last_epoch_ != total_iters_) return CurrentLrs(*optimizer_);
  return MapLrs(*optimizer_, [&](double lr) { return lr * (1.0 / factor_); });
}

std::optional<std::vector<double>> ConstantLR::ClosedFormLr() const {
  const double on = last_epoch_ >= total_iters_ ? 1.0 : 0.0;
  return MapBase(base_lrs_, [&](double b) { return b * (factor_ + on * (1.0 - factor_)); });
}

// ---- LinearLR
LinearLR::LinearLR(OptimizerPtr optimizer, double start_factor, double end_factor, int64_t total_iters)
    : LRScheduler(std::move(optimizer)),
      start_factor_(start_factor),
      end_factor_(end_factor),
      total_iters_(total_iters) {
  detail::Require(start_factor > 0.0 && start_factor <= 1.0, "LinearLR",
                  "start_factor must be in (0, 1], got {}", start_factor);
  detail::Require(end_factor >= 0.0 && end_factor <= 1.0, "LinearLR", "end_factor must be in [0, 1], got {}",
                  end_factor);
  detail::RequirePositive(total_iters, "LinearLR", "total_iters");
  InitialStep();
}

void LinearLR::UpdateLrs() {
  if (last_epoch_ == 0) return MapLrs(*optimizer_, [&](double lr) { return lr * start_factor_; });
  if (last_epoch_ > total_iters_) return CurrentLrs(*optimizer_);
  const double d = end_factor_ - start_factor_;
  const double f = 1.0 + d / (static_cast<double>(total_iters_) * start_factor_ +
                              static_cast<double>(last_epoch_ - 1) * d);
  return MapLrs(*optimizer_, [&](double lr) { return lr * f; });
}

std::optional<std::vector<double>> LinearLR::ClosedFormLr() const {
  const auto t = static_cast<double>(std::min(total_iters_, last_epoch_));
  return MapBase(base_lrs_, [&](double b) {
    return b * (start_factor_ + (end_factor_ - start_factor_) * t / static_cast<double>(total_iters_));
  });
}

// ---- ExponentialLR
ExponentialLR::ExponentialLR(OptimizerPtr optimizer, double gamma)
    : LRScheduler(std::move(optimizer)), gamma_(gamma) {
  detail::RequireFinite(gamma, "ExponentialLR", "gamma");
  InitialStep();
}

void ExponentialLR::UpdateLrs() {
  if (last_epoch_ == 0) return CurrentLrs(*optimizer_);
  return MapLrs(*optimizer_, [&](double lr) { return lr * gamma_; });
}

std::optional<std::vector<double>> ExponentialLR::ClosedFormLr() const {
  return MapBase(base_lrs_, [&](double b) { return b * std::pow(gamma_, static_cast<double>(last_epoch_)); });
}

// ---- PolynomialLR
PolynomialLR::PolynomialLR(OptimizerPtr optimizer, int64_t total_iters, double power)
    : LRScheduler(std::move(optimizer)), total_iters_(total_iters), power_(power) {
  detail::RequirePositive(total_iters, "PolynomialLR", "total_iters");
  detail::RequireFinite(power, "PolynomialLR", "power");
  InitialStep();
}

void PolynomialLR::UpdateLrs() {
  if (last_epoch_ == 0 || last_epoch_ > total_iters_) return CurrentLrs(*optimizer_);
  const auto T = static_cast<double>(total_iters_);
  const double f = std::pow(
      (1.0 - static_cast<double>(last_epoch_) / T) / (1.0 - static_cast<double>(last_epoch_ - 1) / T),
      power_);
  return MapLrs(*optimizer_, [&](double lr) { return lr * f; });
}

std::optional<std::vector<double>> PolynomialLR::ClosedFormLr() const {
  const auto t = static_cast<double>(std::min(total_iters_, last_epoch_));
  return MapBase(base_lrs_,
                 [&](double b) { return b * std::pow(1.0 - t / static_cast<double>(total_iters_), power_); });
}

// ---- CosineAnnealingLR
CosineAnnealingLR::CosineAnnealingLR(OptimizerPtr optimizer, int64_t T_max, double eta_min, bool closed_form)
    : LRScheduler(std::move(optimizer)), t_max_(T_max), eta_min_(eta_min), closed_form_(closed_form) {
  detail::RequirePositive(T_max, "CosineAnnealingLR", "T_max");
  detail::RequireFinite(eta_min, "CosineAnnealingLR", "eta_min");
  InitialStep();
}

void CosineAnnealingLR::UpdateLrs() {
  if (closed_form_) return ApplyLrs(*ClosedFormLr());
  const auto T = static_cast<double>(t_max_);
  const auto t = static_cast<double>(last_epoch_);
  if (last_epoch_ == 0) return CurrentLrs(*optimizer_);
  if (detail::PyMod(last_epoch_ - 1 - t_max_, 2 * t_max_) == 0) {
    for (size_t i = 0; i < base_lrs_.size(); ++i) {
      auto& g = optimizer_->param_groups[i];
      g.lr = g.lr + (base_lrs_[i] - eta_min_) * (1.0 - std::cos(kPi / T)) / 2.0;
    }
    return;
  }
  const double cos_prev = cos_epoch_ == last_epoch_ - 1 ? cos_value_ : std::cos(kPi * (t - 1.0) / T);
  const double cos_now = std::cos(kPi * t / T);
  cos_epoch_ = last_epoch_;
  cos_value_ = cos_now;
  const double ratio = (1.0 + cos_now) / (1.0 + cos_prev);
  return MapLrs(*optimizer_, [&](double lr) { return ratio * (lr - eta_min_) + eta_min_; });
}

std::optional<std::vector<double>> CosineAnnealingLR::ClosedFormLr() const {
  const double c = 1.0 + std::cos(kPi * static_cast<double>(last_epoch_) / static_cast<double>(t_max_));
  return MapBase(base_lrs_, [&](double b) { return eta_min_ + (b - eta_min_) * c / 2.0; });
}

// ---- CosineAnnealingWarmRestarts
CosineAnnealingWarmRestarts::CosineAnnealingWarmRestarts(OptimizerPtr optimizer, int64_t T_0, int64_t T_mult,
                                                         double eta_min)
    : LRScheduler(std::move(optimizer)),
      t_0_(T_0),
      t_i_(T_0),
      t_mult_(T_mult),
      t_cur_(-1.0),
      eta_min_(eta_min) {
  detail::RequirePositive(T_0, "CosineAnnealingWarmRestarts", "T_0");
  detail::Require(T_mult >= 1, "CosineAnnealingWarmRestarts", "T_mult must be an integer >= 1, got {}",
                  T_mult);
  detail::RequireFinite(eta_min, "CosineAnnealingWarmRestarts", "eta_min");
  StepTo(0);  // PyTorch: the first step() of a fresh scheduler is step(epoch=0)
}

void CosineAnnealingWarmRestarts::UpdateLrs() {
  const double c = 1.0 + std::cos(kPi * t_cur_ / static_cast<double>(t_i_));
  SetFromBase(*optimizer_, base_lrs_, [&](double b) { return eta_min_ + (b - eta_min_) * c / 2.0; });
}

void CosineAnnealingWarmRestarts::Step() {
  ++last_epoch_;
  t_cur_ += 1.0;
  if (t_cur_ >= static_cast<double>(t_i_)) {
    t_cur_ -= static_cast<double>(t_i_);
    t_i_ *= t_mult_;
  }
  UpdateLrs();
  RefreshLastLr();
}

void CosineAnnealingWarmRestarts::StepTo(int64_t epoch) {
  detail::RequireNonNegative(epoch, "CosineAnnealingWarmRestarts", "epoch");
  if (epoch >= t_0_) {
    if (t_mult_ == 1) {
      t_cur_ = static_cast<double>(epoch % t_0_);
    } else {
      const auto e = static_cast<double>(epoch), t0 = static_cast<double>(t_0_),
                 m = static_cast<double>(t_mult_);
      const auto n = static_cast<int64_t>(std::log(e / t0 * (m - 1.0) + 1.0) / std::log(m));
      const double mn = std::pow(m, static_cast<double>(n));
      t_cur_ = e - t0 * (mn - 1.0) / (m - 1.0);
      t_i_ = t_0_ * static_cast<int64_t>(mn);
    }
  } else {
    t_i_ = t_0_;
    t_cur_ = static_cast<double>(epoch);
  }
  last_epoch_ = epoch;
  UpdateLrs();
  RefreshLastLr();
}

}  // namespace schedkit::train::pytorch
