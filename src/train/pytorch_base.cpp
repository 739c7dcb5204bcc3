// LRScheduler base, LambdaLR, AbsoluteLR, SequentialLR and ChainedScheduler (PyTorch semantics).
#include <algorithm>
#include <utility>

#include "check.h"
#include "schedkit/train/pytorch.h"

namespace schedkit::train::pytorch {

OptimizerPtr MakeOptimizer(const std::vector<double>& group_lrs, double momentum) {
  detail::Require(!group_lrs.empty(), "optimizer", "param_group_lrs must not be empty");
  auto opt = std::make_shared<Optimizer>();
  for (double lr : group_lrs) {
    detail::RequireFinite(lr, "optimizer", "param_group_lrs");
    ParamGroup g;
    g.lr = lr;
    g.momentum = momentum;
    opt->param_groups.push_back(g);
  }
  opt->defaults_lr = group_lrs[0];
  return opt;
}

LRScheduler::LRScheduler(OptimizerPtr optimizer) : optimizer_(std::move(optimizer)) {
  detail::Require(optimizer_ != nullptr && !optimizer_->param_groups.empty(), "LRScheduler",
                  "optimizer must have at least one param group");
  for (auto& g : optimizer_->param_groups) {
    if (!g.initial_lr) g.initial_lr = g.lr;  // group.setdefault('initial_lr', group['lr'])
    base_lrs_.push_back(*g.initial_lr);
  }
}

void LRScheduler::InitialStep() { Step(); }

void LRScheduler::Step() {
  ++last_epoch_;
  UpdateLrs();
  RefreshLastLr();
}

void LRScheduler::StepTo(int64_t epoch) {
  last_epoch_ = epoch;
  if (auto closed = ClosedFormLr()) {
    ApplyLrs(*closed);
  } else {
    UpdateLrs();
  }
  RefreshLastLr();
}

void LRScheduler::ApplyLrs(const std::vector<double>& lrs) {
  auto& groups = optimizer_->param_groups;
  for (size_t i = 0; i < groups.size() && i < lrs.size(); ++i) groups[i].lr = lrs[i];
}

void LRScheduler::RefreshLastLr() {
  last_lr_.resize(optimizer_->param_groups.size());
  for (size_t i = 0; i < last_lr_.size(); ++i) last_lr_[i] = optimizer_->param_groups[i].lr;
}

LambdaLR::LambdaLR(OptimizerPtr optimizer, SchedulePtr factor)
    : LRScheduler(std::move(optimizer)), factor_(std::move(factor)) {
  detail::Require(factor_ != nullptr, "LambdaLR", "lr_lambda must not be null");
  InitialStep();
}

void LambdaLR::UpdateLrs() {
  const double f = factor_->At(last_epoch_);
  for (size_t i = 0; i < base_lrs_.size(); ++i) optimizer_->param_groups[i].lr = base_lrs_[i] * f;
}

std::optional<std::vector<double>> LambdaLR::ClosedFormLr() const {
  const double f = factor_->At(last_epoch_);
  std::vector<double> out;
  for (double base : base_lrs_) out.push_back(base * f);
  return out;
}

AbsoluteLR::AbsoluteLR(OptimizerPtr optimizer, SchedulePtr value)
    : LRScheduler(std::move(optimizer)), value_(std::move(value)) {
  detail::Require(value_ != nullptr, "AbsoluteLR", "schedule must not be null");
  InitialStep();
}

void AbsoluteLR::UpdateLrs() {
  const double v = value_->At(last_epoch_);
  for (auto& g : optimizer_->param_groups) g.lr = v;
}

SequentialLR::SequentialLR(OptimizerPtr optimizer, std::vector<LRSchedulerPtr> schedulers,
                           std::vector<int64_t> milestones)
    : LRScheduler(std::move(optimizer)),
      schedulers_(std::move(schedulers)),
      milestones_(std::move(milestones)) {
  detail::Require(!schedulers_.empty(), "SequentialLR", "schedulers must not be empty");
  for (size_t i = 0; i < schedulers_.size(); ++i) {
    detail::Require(schedulers_[i] != nullptr && schedulers_[i]->optimizer_ptr() == optimizer_,
                    "SequentialLR", "schedulers[{}] must be built on the same optimizer as SequentialLR", i);
  }
  detail::Require(milestones_.size() + 1 == schedulers_.size(), "SequentialLR",
                  "expected {} milestones for {} schedulers, got {}", schedulers_.size() - 1,
                  schedulers_.size(), milestones_.size());
  for (size_t i = 0; i < milestones_.size(); ++i) {
    detail::Require(milestones_[i] > (i == 0 ? 0 : milestones_[i - 1]), "SequentialLR",
                    "milestones must be positive and strictly increasing (milestones[{}] = {})", i,
                    milestones_[i]);
  }
  last_epoch_ = 0;
  // Reset the lrs to their initial values and undo the children's initial steps; re-run the first one.
  for (auto& g : optimizer_->param_groups) g.lr = *g.initial_lr;
  for (auto& s : schedulers_) s->set_last_epoch(s->last_epoch() - 1);
  schedulers_[0]->InitialStep();
  last_lr_ = schedulers_[0]->last_lr();
}

void SequentialLR::Step() {
  ++last_epoch_;
  const auto idx = static_cast<size_t>(std::upper_bound(milestones_.begin(), milestones_.end(), last_epoch_) -
                                       milestones_.begin());
  auto& s = schedulers_[idx];
  if (idx > 0 && milestones_[idx - 1] == last_epoch_) {
    s->StepTo(0);
  } else {
    s->Step();
  }
  last_lr_ = s->last_lr();
}

void SequentialLR::StepTo(int64_t) {
  throw Error("SequentialLR: step(epoch) is not supported (PyTorch's SequentialLR.step takes no epoch)");
}

namespace {
OptimizerPtr FirstOptimizer(const std::vector<LRSchedulerPtr>& schedulers) {
  detail::Require(!schedulers.empty() && schedulers[0] != nullptr, "ChainedScheduler",
                  "schedulers must not be empty");
  return schedulers[0]->optimizer_ptr();
}
}  // namespace

ChainedScheduler::ChainedScheduler(std::vector<LRSchedulerPtr> schedulers)
    : LRScheduler(FirstOptimizer(schedulers)), schedulers_(std::move(schedulers)) {
  for (size_t i = 0; i < schedulers_.size(); ++i) {
    detail::Require(schedulers_[i] != nullptr && schedulers_[i]->optimizer_ptr() == optimizer_,
                    "ChainedScheduler", "schedulers[{}] must be built on the same optimizer as schedulers[0]",
                    i);
  }
  last_epoch_ = 0;
  for (const auto& g : optimizer_->param_groups) last_lr_.push_back(g.lr);
}

void ChainedScheduler::Step() {
  ++last_epoch_;
  for (auto& s : schedulers_) s->Step();
  last_lr_.clear();
  for (const auto& g : optimizer_->param_groups) last_lr_.push_back(g.lr);
}

void ChainedScheduler::StepTo(int64_t) {
  throw Error(
      "ChainedScheduler: step(epoch) is not supported (PyTorch's ChainedScheduler.step takes no epoch)");
}

}  // namespace schedkit::train::pytorch
