// Core schedule combinators (see include/schedkit/train/schedule.h).
#include "schedkit/train/schedule.h"

#include <algorithm>
#include <utility>

#include "check.h"

namespace schedkit::train {
namespace {

class ConstantSchedule final : public Schedule {
 public:
  explicit ConstantSchedule(double value) : value_(value) {}
  double At(int64_t) const override { return value_; }

 private:
  double value_;
};

class FunctionSchedule final : public Schedule {
 public:
  explicit FunctionSchedule(std::function<double(int64_t)> f) : f_(std::move(f)) {}
  double At(int64_t step) const override { return f_(step); }

 private:
  std::function<double(int64_t)> f_;
};

class WarmupSchedule final : public Schedule {
 public:
  WarmupSchedule(SchedulePtr inner, int64_t warmup, double init, bool prefix)
      : inner_(std::move(inner)), warmup_(warmup), init_(init), prefix_(prefix) {
    target_ = inner_->At(prefix_ ? 0 : warmup_);
  }
  double At(int64_t step) const override {
    if (step < warmup_)
      return init_ + static_cast<double>(step) * (target_ - init_) / static_cast<double>(warmup_);
    return inner_->At(prefix_ ? step - warmup_ : step);
  }

 private:
  SchedulePtr inner_;
  int64_t warmup_;
  double init_;
  bool prefix_;
  double target_ = 0.0;
};

class SequenceSchedule final : public Schedule {
 public:
  SequenceSchedule(std::vector<SchedulePtr> parts, std::vector<int64_t> boundaries)
      : parts_(std::move(parts)), boundaries_(std::move(boundaries)) {}
  double At(int64_t step) const override {
    const auto idx = static_cast<size_t>(std::upper_bound(boundaries_.begin(), boundaries_.end(), step) -
                                         boundaries_.begin());
    const int64_t offset = idx == 0 ? 0 : boundaries_[idx - 1];
    return parts_[idx]->At(step - offset);
  }

 private:
  std::vector<SchedulePtr> parts_;
  std::vector<int64_t> boundaries_;
};

class ChainSchedule final : public Schedule {
 public:
  explicit ChainSchedule(std::vector<SchedulePtr> parts) : parts_(std::move(parts)) {}
  double At(int64_t step) const override {
    double v = 1.0;
    for (const auto& p : parts_) v *= p->At(step);
    return v;
  }

 private:
  std::vector<SchedulePtr> parts_;
};

class CycleSchedule final : public Schedule {
 public:
  CycleSchedule(SchedulePtr inner, int64_t period) : inner_(std::move(inner)), period_(period) {}
  double At(int64_t step) const override { return inner_->At(detail::PyMod(step, period_)); }

 private:
  SchedulePtr inner_;
  int64_t period_;
};

class ScaleSchedule final : public Schedule {
 public:
  ScaleSchedule(SchedulePtr inner, double factor) : inner_(std::move(inner)), factor_(factor) {}
  double At(int64_t step) const override { return factor_ * inner_->At(step); }

 private:
  SchedulePtr inner_;
  double factor_;
};

class FloorSchedule final : public Schedule {
 public:
  FloorSchedule(SchedulePtr inner, double floor) : inner_(std::move(inner)), floor_(floor) {}
  double At(int64_t step) const override { return std::max(floor_, inner_->At(step)); }

 private:
  SchedulePtr inner_;
  double floor_;
};

void RequireSchedule(const SchedulePtr& s, std::string_view where) {
  detail::Require(s != nullptr, where, "schedule must not be null");
}

}  // namespace

SchedulePtr Constant(double value) { return std::make_shared<ConstantSchedule>(value); }

SchedulePtr FromFunction(std::function<double(int64_t)> f) {
  detail::Require(static_cast<bool>(f), "FromFunction", "function must not be empty");
  return std::make_shared<FunctionSchedule>(std::move(f));
}

SchedulePtr LinearWarmup(SchedulePtr inner, int64_t warmup_steps, double init_value, bool prefix) {
  RequireSchedule(inner, "LinearWarmup");
  detail::RequireNonNegative(warmup_steps, "LinearWarmup", "warmup_steps");
  return std::make_shared<WarmupSchedule>(std::move(inner), warmup_steps, init_value, prefix);
}

SchedulePtr Sequence(std::vector<SchedulePtr> parts, std::vector<int64_t> boundaries) {
  detail::Require(!parts.empty(), "Sequence", "needs at least one schedule");
  for (const auto& p : parts) RequireSchedule(p, "Sequence");
  detail::Require(boundaries.size() + 1 == parts.size(), "Sequence",
                  "expected {} boundaries for {} schedules, got {}", parts.size() - 1, parts.size(),
                  boundaries.size());
  for (size_t i = 0; i < boundaries.size(); ++i) {
    detail::Require(boundaries[i] > (i == 0 ? 0 : boundaries[i - 1]), "Sequence",
                    "boundaries must be positive and strictly increasing (boundaries[{}] = {})", i,
                    boundaries[i]);
  }
  return std::make_shared<SequenceSchedule>(std::move(parts), std::move(boundaries));
}

SchedulePtr Chain(std::vector<SchedulePtr> parts) {
  detail::Require(!parts.empty(), "Chain", "needs at least one schedule");
  for (const auto& p : parts) RequireSchedule(p, "Chain");
  return std::make_shared<ChainSchedule>(std::move(parts));
}

SchedulePtr Cycle(SchedulePtr inner, int64_t period) {
  RequireSchedule(inner, "Cycle");
  detail::RequirePositive(period, "Cycle", "period");
  return std::make_shared<CycleSchedule>(std::move(inner), period);
}

SchedulePtr Scale(SchedulePtr inner, double factor) {
  RequireSchedule(inner, "Scale");
  return std::make_shared<ScaleSchedule>(std::move(inner), factor);
}

SchedulePtr Floor(SchedulePtr inner, double floor) {
  RequireSchedule(inner, "Floor");
  return std::make_shared<FloorSchedule>(std::move(inner), floor);
}

std::vector<double> Evaluate(const Schedule& schedule, int64_t num_steps) {
  detail::RequireNonNegative(num_steps, "Evaluate", "num_steps");
  std::vector<double> out(static_cast<size_t>(num_steps));
  for (int64_t i = 0; i < num_steps; ++i) out[static_cast<size_t>(i)] = schedule.At(i);
  return out;
}

}  // namespace schedkit::train
