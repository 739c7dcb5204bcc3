// PyTorch-compatible stepping adapters (torch.optim.lr_scheduler): same names, arguments and step order.
// Construction performs the "initial step" (last_epoch -1 -> 0, the LR of the first optimizer step);
// Step() advances one epoch. The recursions are PyTorch's own (get_lr), so sequences match bit for bit.
// The schedulers act on an optimizer-agnostic ParamGroups object that the caller syncs into its optimizer
// (see torch_adapter.h for libtorch).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "schedkit/train/schedule.h"

namespace schedkit::train::pytorch {

struct ParamGroup {
  double lr = 0.0;
  std::optional<double> initial_lr;  // set by the first scheduler constructed (setdefault semantics)
  double momentum = 0.0;             // cycled by CyclicLR / OneCycleLR
  // OneCycleLR's per-group values (PyTorch stores them in the group as well).
  double max_lr = 0.0, min_lr = 0.0, max_momentum = 0.0, base_momentum = 0.0;
};

// What a scheduler needs of an optimizer: its param groups and defaults.
struct Optimizer {
  std::vector<ParamGroup> param_groups;
  double defaults_lr = 0.0;
  bool supports_momentum = true;  // SGD with momentum / Adam-style betas; CyclicLR/OneCycleLR check it
};
using OptimizerPtr = std::shared_ptr<Optimizer>;

// One group per lr; defaults_lr = lrs[0] (torch.optim.SGD(groups, lr=lrs[0], momentum=momentum)).
OptimizerPtr MakeOptimizer(const std::vector<double>& group_lrs, double momentum = 0.0);

// Base of the epoch-stepped schedulers (torch.optim.lr_scheduler.LRScheduler).
class LRScheduler {
 public:
  virtual ~LRScheduler() = default;
  LRScheduler(const LRScheduler&) = delete;
  LRScheduler& operator=(const LRScheduler&) = delete;

  // scheduler.step(): one epoch.
  virtual void Step();
  // scheduler.step(epoch) (deprecated in PyTorch): jumps to `epoch`, using the closed form where one exists.
  virtual void StepTo(int64_t epoch);

  int64_t last_epoch() const { return last_epoch_; }
  const std::vector<double>& last_lr() const { return last_lr_; }
  const std::vector<double>& base_lrs() const { return base_lrs_; }
  const Optimizer& optimizer() const { return *optimizer_; }
  const OptimizerPtr& optimizer_ptr() const { return optimizer_; }

  // Closed-form LRs at last_epoch (PyTorch's _get_closed_form_lr), if this scheduler has one.
  virtual std::optional<std::vector<double>> ClosedFormLr() const { return std::nullopt; }

  // Used by SequentialLR, which "undoes" the initial step of its children and re-runs the first one.
  void set_last_epoch(int64_t epoch) { last_epoch_ = epoch; }
  void InitialStep();

 protected:
  explicit LRScheduler(OptimizerPtr optimizer);
  // The recursive (chainable) form (PyTorch's get_lr): computes each group's new lr from its current one and
  // writes it into the group (every group's update depends on that group only, so in place is the same).
  virtual void UpdateLrs() = 0;
  void ApplyLrs(const std::vector<double>& lrs);
  void RefreshLastLr();

  OptimizerPtr optimizer_;
  int64_t last_epoch_ = -1;
  std::vector<double> base_lrs_;
  std::vector<double> last_lr_;
};
using LRSchedulerPtr = std::unique_ptr<LRScheduler>;

class StepLR final : public LRScheduler {
 public:
  StepLR(OptimizerPtr optimizer, int64_t step_size, double gamma = 0.1);
  std::optional<std::vector<double>> ClosedFormLr() const override;

 private:
  void UpdateLrs() override;
  int64_t step_size_;
  double gamma_;
};

class MultiStepLR final : public LRScheduler {
 public:
  // Milestones must be non-decreasing; a repeated milestone applies gamma once per occurrence (Counter).
  MultiStepLR(OptimizerPtr optimizer, std::vector<int64_t> milestones, double gamma = 0.1);
  std::optional<std::vector<double>> ClosedFormLr() const override;

 private:
  void UpdateLrs() override;
  std::vector<int64_t> milestones_;
  double gamma_;
};

class ConstantLR final : public LRScheduler {
 public:
  ConstantLR(OptimizerPtr optimizer, double factor = 1.0 / 3.0, int64_t total_iters = 5);
  std::optional<std::vector<double>> ClosedFormLr() const override;

 private:
  void UpdateLrs() override;
  double factor_;
  int64_t total_iters_;
};

class LinearLR final : public LRScheduler {
 public:
  LinearLR(OptimizerPtr optimizer, double start_factor = 1.0 / 3.0, double end_factor = 1.0,
           int64_t total_iters = 5);
  std::optional<std::vector<double>> ClosedFormLr() const override;

 private:
  void UpdateLrs() override;
  double start_factor_, end_factor_;
  int64_t total_iters_;
};

class ExponentialLR final : public LRScheduler {
 public:
  ExponentialLR(OptimizerPtr optimizer, double gamma);
  std::optional<std::vector<double>> ClosedFormLr() const override;

 private:
  void UpdateLrs() override;
  double gamma_;
};

class PolynomialLR final : public LRScheduler {
 public:
  PolynomialLR(OptimizerPtr optimizer, int64_t total_iters = 5, double power = 1.0);
  std::optional<std::vector<double>> ClosedFormLr() const override;

 private:
  void UpdateLrs() override;
  int64_t total_iters_;
  double power_;
};

class CosineAnnealingLR final : public LRScheduler {
 public:
  // closed_form = true evaluates eta_min + (base - eta_min)(1 + cos(pi t / T_max)) / 2 directly instead of
  // PyTorch's ratio-of-cosines recursion (they differ by a few ULP).
  CosineAnnealingLR(OptimizerPtr optimizer, int64_t T_max, double eta_min = 0.0, bool closed_form = false);
  std::optional<std::vector<double>> ClosedFormLr() const override;

 private:
  void UpdateLrs() override;
  int64_t t_max_;
  double eta_min_;
  bool closed_form_;
  // cos(pi * e / T_max) from the previous recursion step at epoch e: the next step's denominator needs
  // exactly that value (same argument, bit for bit), so consecutive steps cost one cos instead of two.
  int64_t cos_epoch_ = INT64_MIN;
  double cos_value_ = 0.0;
};

class CosineAnnealingWarmRestarts final : public LRScheduler {
 public:
  CosineAnnealingWarmRestarts(OptimizerPtr optimizer, int64_t T_0, int64_t T_mult = 1, double eta_min = 0.0);
  void Step() override;
  void StepTo(int64_t epoch) override;

 private:
  void UpdateLrs() override;
  int64_t t_0_, t_i_, t_mult_;
  double t_cur_;
  double eta_min_;
};

struct CyclicLROptions {
  std::vector<double> base_lr;  // one value, or one per group
  std::vector<double> max_lr;
  double step_size_up = 2000;
  std::optional<double> step_size_down;
  std::string mode = "triangular";  // triangular | triangular2 | exp_range
  double gamma = 1.0;
  bool cycle_momentum = true;
  std::vector<double> base_momentum = {0.8};
  std::vector<double> max_momentum = {0.9};
};

class CyclicLR final : public LRScheduler {
 public:
  CyclicLR(OptimizerPtr optimizer, CyclicLROptions options);

 private:
  void UpdateLrs() override;
  double ScaleFn(double x) const;
  CyclicLROptions o_;
  std::vector<double> max_lrs_, base_momentums_, max_momentums_;
  double total_size_, step_ratio_;
  bool scale_by_cycle_;
  enum class Mode { kTriangular, kTriangular2, kExpRange } mode_ = Mode::kTriangular;  // o_.mode, parsed once
};

struct OneCycleLROptions {
  std::vector<double> max_lr;          // one value, or one per group
  std::optional<int64_t> total_steps;  // or epochs * steps_per_epoch
  std::optional<int64_t> epochs, steps_per_epoch;
  double pct_start = 0.3;
  std::string anneal_strategy = "cos";  // cos | linear
  bool cycle_momentum = true;
  std::vector<double> base_momentum = {0.85};
  std::vector<double> max_momentum = {0.95};
  double div_factor = 25.0;
  double final_div_factor = 1e4;
  bool three_phase = false;
};

class OneCycleLR final : public LRScheduler {
 public:
  OneCycleLR(OptimizerPtr optimizer, OneCycleLROptions options);
  int64_t total_steps() const { return total_steps_; }

 private:
  struct Phase {
    double end_step;
    int start_lr, end_lr, start_momentum, end_momentum;  // 0 initial, 1 max, 2 min (lr); 0 max, 1 base (mom.)
  };
  void UpdateLrs() override;
  OneCycleLROptions o_;
  bool anneal_cos_ = true;  // anneal_strategy == "cos" (else "linear")
  int64_t total_steps_;
  std::vector<Phase> phases_;
};

// LambdaLR with one multiplicative factor schedule for every group: lr_g = base_lr_g * factor(last_epoch).
// The Hugging Face and dolomite schedules are LambdaLRs over the factor schedules in hf.h / papers.h.
class LambdaLR final : public LRScheduler {
 public:
  LambdaLR(OptimizerPtr optimizer, SchedulePtr factor);
  std::optional<std::vector<double>> ClosedFormLr() const override;

 private:
  void UpdateLrs() override;
  SchedulePtr factor_;
};

// Sets every group's lr to value(last_epoch), ignoring the base lrs (schedulers that return absolute values,
// such as REX_LR's reference code).
class AbsoluteLR final : public LRScheduler {
 public:
  AbsoluteLR(OptimizerPtr optimizer, SchedulePtr value);

 private:
  void UpdateLrs() override;
  SchedulePtr value_;
};

// SequentialLR(schedulers, milestones): children must have been constructed on the same optimizer, in order.
class SequentialLR final : public LRScheduler {
 public:
  SequentialLR(OptimizerPtr optimizer, std::vector<LRSchedulerPtr> schedulers,
               std::vector<int64_t> milestones);
  void Step() override;
  void StepTo(int64_t epoch) override;

 private:
  void UpdateLrs() override {}
  std::vector<LRSchedulerPtr> schedulers_;
  std::vector<int64_t> milestones_;
};

// ChainedScheduler(schedulers): Step() steps every child in order on the shared lrs.
class ChainedScheduler final : public LRScheduler {
 public:
  explicit ChainedScheduler(std::vector<LRSchedulerPtr> schedulers);
  void Step() override;
  void StepTo(int64_t epoch) override;

 private:
  void UpdateLrs() override {}
  std::vector<LRSchedulerPtr> schedulers_;
};

struct ReduceLROnPlateauOptions {
  std::string mode = "min";  // min | max
  double factor = 0.1;
  int64_t patience = 10;
  double threshold = 1e-4;
  std::string threshold_mode = "rel";  // rel | abs
  int64_t cooldown = 0;
  std::vector<double> min_lr = {0.0};  // one value, or one per group
  double eps = 1e-8;
};

// ReduceLROnPlateau as in Python PyTorch (double precision; -inf start in max mode; max/abs compares
// a > best + threshold), not libtorch's float version. A NaN or infinite metric is an error.
class ReduceLROnPlateau {
 public:
  ReduceLROnPlateau(OptimizerPtr optimizer, ReduceLROnPlateauOptions options = {});
  void Step(double metric);
  const std::vector<double>& last_lr() const { return last_lr_; }
  int64_t last_epoch() const { return last_epoch_; }
  double best() const { return best_; }
  int64_t num_bad_epochs() const { return num_bad_epochs_; }
  bool in_cooldown() const { return cooldown_counter_ > 0; }
  const Optimizer& optimizer() const { return *optimizer_; }

 private:
  bool IsBetter(double a, double best) const;
  OptimizerPtr optimizer_;
  ReduceLROnPlateauOptions o_;
  std::vector<double> min_lrs_;
  double best_;
  int64_t num_bad_epochs_ = 0, cooldown_counter_ = 0, last_epoch_ = 0;
  std::vector<double> last_lr_;
};

}  // namespace schedkit::train::pytorch
