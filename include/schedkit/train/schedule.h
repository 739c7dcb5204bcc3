// The core of the train module: a schedule is a value as a function of the step, and a handful of
// combinators build every shape from smaller ones. Framework-style stepping (PyTorch, timm) lives in thin
// adapters on top (pytorch.h, timm.h); this header owns no optimizer and returns numbers only.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace schedkit::train {

// A value as a function of the (0-based) step. Implementations are immutable: At() may be called in any
// order, from any thread.
class Schedule {
 public:
  virtual ~Schedule() = default;
  virtual double At(int64_t step) const = 0;
  double operator()(int64_t step) const { return At(step); }
};
using SchedulePtr = std::shared_ptr<const Schedule>;

// f(step) = value.
SchedulePtr Constant(double value);
// Wraps any callable; the schedule the formula builders below return.
SchedulePtr FromFunction(std::function<double(int64_t)> f);

// Linear warmup: for step < warmup_steps, init + step * (target - init) / warmup_steps where target is
// inner(0) (prefix = true: the inner schedule then sees step - warmup_steps) or inner(warmup_steps)
// (prefix = false: the inner schedule keeps the global step). warmup_steps >= 0.
SchedulePtr LinearWarmup(SchedulePtr inner, int64_t warmup_steps, double init_value, bool prefix = true);

// Joins schedules at boundaries (strictly increasing, one fewer than parts): part i runs on
// step - boundaries[i-1] (optax's join_schedules convention).
SchedulePtr Sequence(std::vector<SchedulePtr> parts, std::vector<int64_t> boundaries);

// Multiplicative chain: f(step) = prod_i parts[i](step) (what ChainedScheduler does to multiplicative
// schedules).
SchedulePtr Chain(std::vector<SchedulePtr> parts);

// Repeats inner with the given period: f(step) = inner(step mod period). period > 0.
SchedulePtr Cycle(SchedulePtr inner, int64_t period);

// f(step) = factor * inner(step).
SchedulePtr Scale(SchedulePtr inner, double factor);

// f(step) = max(floor, inner(step)).
SchedulePtr Floor(SchedulePtr inner, double floor);

// Values at steps 0 .. num_steps-1.
std::vector<double> Evaluate(const Schedule& schedule, int64_t num_steps);

}  // namespace schedkit::train
