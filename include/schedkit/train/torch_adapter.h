// Header-only bridge between schedkit's optimizer-agnostic schedulers and libtorch's
// torch::optim::Optimizer param groups. It compiles only where libtorch's headers are found
// (__has_include(<torch/torch.h>)); elsewhere it is empty, and nothing in schedkit's build needs libtorch.
// A program that includes it with libtorch present links against libtorch itself.
//
//   torch::optim::SGD sgd(model->parameters(), torch::optim::SGDOptions(0.1).momentum(0.9));
//   schedkit::train::torch_adapter::Scheduler sched(sgd, [](auto groups) {
//     return std::make_unique<schedkit::train::pytorch::CosineAnnealingLR>(groups, 100);
//   });
//   for (...) { sgd.step(); sched.step(); }   // the same loop as in Python
#pragma once

#if __has_include(<torch/torch.h>)
#include <torch/torch.h>

#include <functional>
#include <memory>
#include <utility>

#include "schedkit/train/pytorch.h"
#include "schedkit/util/error.h"

namespace schedkit::train::torch_adapter {

namespace detail {

// Momentum of a param group: SGD's momentum or Adam/AdamW's beta1; false when the optimizer has neither.
inline bool ReadMomentum(torch::optim::OptimizerOptions& o, double* momentum) {
  if (auto* sgd = dynamic_cast<torch::optim::SGDOptions*>(&o)) {
    *momentum = sgd->momentum();
    return true;
  }
  if (auto* adam = dynamic_cast<torch::optim::AdamOptions*>(&o)) {
    *momentum = std::get<0>(adam->betas());
    return true;
  }
  if (auto* adamw = dynamic_cast<torch::optim::AdamWOptions*>(&o)) {
    *momentum = std::get<0>(adamw->betas());
    return true;
  }
  return false;
}

inline void WriteMomentum(torch::optim::OptimizerOptions& o, double momentum) {
  if (auto* sgd = dynamic_cast<torch::optim::SGDOptions*>(&o)) {
    sgd->momentum(momentum);
  } else if (auto* adam = dynamic_cast<torch::optim::AdamOptions*>(&o)) {
    adam->betas(std::make_tuple(momentum, std::get<1>(adam->betas())));
  } else if (auto* adamw = dynamic_cast<torch::optim::AdamWOptions*>(&o)) {
    adamw->betas(std::make_tuple(momentum, std::get<1>(adamw->betas())));
  }
}

}  // namespace detail

// Snapshot of a libtorch optimizer's groups (lr, momentum) as schedkit param groups.
inline pytorch::OptimizerPtr FromTorch(torch::optim::Optimizer& opt) {
  auto out = std::make_shared<pytorch::Optimizer>();
  bool all_momentum = true;
  for (auto& group : opt.param_groups()) {
    pytorch::ParamGroup g;
    g.lr = group.options().get_lr();
    double m = 0.0;
    all_momentum = detail::ReadMomentum(group.options(), &m) && all_momentum;
    g.momentum = m;
    out->param_groups.push_back(g);
  }
  if (out->param_groups.empty()) throw Error("torch_adapter: the optimizer has no param groups");
  out->defaults_lr = opt.defaults().get_lr();
  out->supports_momentum = all_momentum;
  return out;
}

// Writes the schedkit groups' lr (and, when cycled, momentum) into the libtorch optimizer.
inline void ApplyToTorch(const pytorch::Optimizer& groups, torch::optim::Optimizer& opt, bool momentum) {
  auto& tg = opt.param_groups();
  if (tg.size() != groups.param_groups.size()) {
    throw Error("torch_adapter: the optimizer's param groups changed since the scheduler was built");
  }
  for (size_t i = 0; i < tg.size(); ++i) {
    tg[i].options().set_lr(groups.param_groups[i].lr);
    if (momentum) detail::WriteMomentum(tg[i].options(), groups.param_groups[i].momentum);
  }
}

// A PyTorch-style scheduler driving a libtorch optimizer: construction applies the initial step's LRs,
// step() advances one epoch and writes the new LRs into the optimizer.
class Scheduler {
 public:
  using Factory = std::function<pytorch::LRSchedulerPtr(pytorch::OptimizerPtr)>;
  Scheduler(torch::optim::Optimizer& opt, const Factory& make, bool sync_momentum = true)
      : opt_(opt), groups_(FromTorch(opt)), sched_(make(groups_)), sync_momentum_(sync_momentum) {
    ApplyToTorch(*groups_, opt_, sync_momentum_);
  }
  void step() {
    sched_->Step();
    ApplyToTorch(*groups_, opt_, sync_momentum_);
  }
  const std::vector<double>& get_last_lr() const { return sched_->last_lr(); }
  pytorch::LRScheduler& scheduler() { return *sched_; }

 private:
  torch::optim::Optimizer& opt_;
  pytorch::OptimizerPtr groups_;
  pytorch::LRSchedulerPtr sched_;
  bool sync_momentum_;
};

// ReduceLROnPlateau driving a libtorch optimizer (Python semantics, double precision).
class PlateauScheduler {
 public:
  PlateauScheduler(torch::optim::Optimizer& opt, pytorch::ReduceLROnPlateauOptions options = {})
      : opt_(opt), groups_(FromTorch(opt)), sched_(groups_, std::move(options)) {}
  void step(double metric) {
    sched_.Step(metric);
    ApplyToTorch(*groups_, opt_, false);
  }
  const std::vector<double>& get_last_lr() const { return sched_.last_lr(); }

 private:
  torch::optim::Optimizer& opt_;
  pytorch::OptimizerPtr groups_;
  pytorch::ReduceLROnPlateau sched_;
};

}  // namespace schedkit::train::torch_adapter

#endif  // __has_include(<torch/torch.h>)
