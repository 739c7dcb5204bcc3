// timm schedulers (timm.scheduler, 1.0.29.dev0): stateless in t, which the caller passes explicitly
// (step(epoch) per epoch, or step_update(num_updates) when t_in_epochs is false). The constructor sets
// warmup_lr_init into the groups when warmup_t > 0.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "schedkit/train/pytorch.h"

namespace schedkit::train::timm {

using pytorch::OptimizerPtr;

struct CycleTables;  // precomputed cycle powers (timm.cpp)

struct WarmupOptions {
  int64_t warmup_t = 0;
  double warmup_lr_init = 0.0;
  bool warmup_prefix = false;
};

// Base: Step(epoch) / StepUpdate(num_updates) write LrAt(t) into the groups (only the one that matches
// t_in_epochs acts, as in timm).
class Scheduler {
 public:
  virtual ~Scheduler() = default;
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  virtual void Step(int64_t epoch, std::optional<double> metric = std::nullopt);
  void StepUpdate(int64_t num_updates, std::optional<double> metric = std::nullopt);
  // The per-group LRs at t (stateless schedulers only).
  std::vector<double> LrAt(int64_t t) const {
    std::vector<double> out(base_values_.size());
    ComputeLrs(t, out);
    return out;
  }

  const std::vector<double>& base_values() const { return base_values_; }
  const pytorch::Optimizer& optimizer() const { return *optimizer_; }
  bool t_in_epochs() const { return t_in_epochs_; }

 protected:
  Scheduler(OptimizerPtr optimizer, bool t_in_epochs, WarmupOptions warmup);
  // Writes the LRs at t into out (sized to the group count).
  virtual void ComputeLrs(int64_t t, std::vector<double>& out) const = 0;
  void UpdateGroups(const std::vector<double>& values);
  // warmup_lr_init + t * (base - warmup_lr_init) / warmup_t for t < warmup_t.
  std::vector<double> WarmupLrs(int64_t t) const;
  bool InWarmup(int64_t t, std::vector<double>& out) const;  // fills out and returns true when t < warmup_t

  OptimizerPtr optimizer_;
  bool t_in_epochs_;
  WarmupOptions warmup_;
  std::vector<double> base_values_, warmup_steps_;
  std::vector<double> buffer_;  // per-step scratch
};

// The cycle arithmetic shared by cosine, poly and tanh.
struct CycleOptions {
  int64_t t_initial = 0;
  double lr_min = 0.0;
  double cycle_mul = 1.0;
  double cycle_decay = 1.0;
  int64_t cycle_limit = 1;
  double k_decay = 1.0;
};

class CosineLRScheduler final : public Scheduler {
 public:
  CosineLRScheduler(OptimizerPtr optimizer, CycleOptions cycle, WarmupOptions warmup = {},
                    bool t_in_epochs = true);

 protected:
  void ComputeLrs(int64_t t, std::vector<double>& out) const override;

 private:
  CycleOptions c_;
  std::shared_ptr<const CycleTables> tables_;
};

class PolyLRScheduler final : public Scheduler {
 public:
  PolyLRScheduler(OptimizerPtr optimizer, CycleOptions cycle, double power = 0.5, WarmupOptions warmup = {},
                  bool t_in_epochs = true);

 protected:
  void ComputeLrs(int64_t t, std::vector<double>& out) const override;

 private:
  CycleOptions c_;
  std::shared_ptr<const CycleTables> tables_;
  double power_;
};

class TanhLRScheduler final : public Scheduler {
 public:
  TanhLRScheduler(OptimizerPtr optimizer, CycleOptions cycle, double lb = -7.0, double ub = 3.0,
                  WarmupOptions warmup = {}, bool t_in_epochs = true);

 protected:
  void ComputeLrs(int64_t t, std::vector<double>& out) const override;

 private:
  CycleOptions c_;
  std::shared_ptr<const CycleTables> tables_;
  double lb_, ub_;
};

// warmup_prefix defaults to true for the step schedulers in timm.
class StepLRScheduler final : public Scheduler {
 public:
  StepLRScheduler(OptimizerPtr optimizer, double decay_t, double decay_rate = 1.0,
                  WarmupOptions warmup = {0, 0.0, true}, bool t_in_epochs = true);

 protected:
  void ComputeLrs(int64_t t, std::vector<double>& out) const override;

 private:
  double decay_t_, decay_rate_;
};

class MultiStepLRScheduler final : public Scheduler {
 public:
  MultiStepLRScheduler(OptimizerPtr optimizer, std::vector<int64_t> decay_t, double decay_rate = 1.0,
                       WarmupOptions warmup = {0, 0.0, true}, bool t_in_epochs = true);

 protected:
  void ComputeLrs(int64_t t, std::vector<double>& out) const override;

 private:
  std::vector<int64_t> decay_t_;
  double decay_rate_;
};

// Warmup for epoch <= warmup_t, then torch's ReduceLROnPlateau fed with the metric (mode 'max' by default).
struct PlateauOptions {
  double decay_rate = 0.1;
  int64_t patience_t = 10;
  double threshold = 1e-4;
  int64_t cooldown_t = 0;
  double lr_min = 0.0;
  std::string mode = "max";
};

class PlateauLRScheduler final : public Scheduler {
 public:
  PlateauLRScheduler(OptimizerPtr optimizer, PlateauOptions options = {}, WarmupOptions warmup = {});
  void Step(int64_t epoch, std::optional<double> metric = std::nullopt) override;

 protected:
  void ComputeLrs(int64_t t, std::vector<double>& out) const override;

 private:
  std::unique_ptr<pytorch::ReduceLROnPlateau> plateau_;
};

}  // namespace schedkit::train::timm
