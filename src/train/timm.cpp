// timm schedulers (timm/scheduler/*.py at aa4b5850), same operation order as the Python.
#include "schedkit/train/timm.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

#include "check.h"

namespace schedkit::train::timm {

namespace {

// timm's cycle index for cycle_mul != 1, as a double (no integer cast, so NaN stays representable):
// floor(log(1 - t / t_initial * (1 - cycle_mul)) / log(cycle_mul)).
double CycleIndexFormula(double t, double t0, double mul, double log_mul) {
  return std::floor(std::log(1.0 - t / t0 * (1.0 - mul)) / log_mul);
}

}  // namespace

// Precomputed pieces of the cycle arithmetic: log(cycle_mul) and cycle_mul^i, cycle_decay^i for small i, each
// computed with the same std::log / std::pow calls as on the fly (identical values, no per-step pow).
//
// starts[k] is the first integer t at which the cycle-index formula gives k (k = 0 .. starts.size() - 1),
// found with the formula itself, so a step t in [0, starts.back()) is in cycle i = (last start <= t) without
// a log. That is the formula's own answer because the formula is non-decreasing in integer t on that range:
// every operation in it is monotone (correctly rounded) except log, and the table only covers steps whose
// arguments differ by at least |1 - cycle_mul| / t_initial >= 2^-30 * max(1, argument) between neighbours, so
// their logs differ by far more than log's error (< 1 ulp of a value below 64, i.e. < 2^-46).
struct CycleTables {
  double log_mul = 0.0;
  std::vector<double> mul_pow, decay_pow;
  std::vector<int64_t> starts;
  // Per cycle i < starts.size(): its length mul^i * t0 and start (1 - mul^i) / (1 - mul) * t0, computed with
  // the same operations Locate() uses on the fly.
  std::vector<double> cycle_len, cycle_offset;
  explicit CycleTables(const CycleOptions& c) : log_mul(std::log(c.cycle_mul)) {
    for (int i = 0; i < 64; ++i) {
      mul_pow.push_back(std::pow(c.cycle_mul, static_cast<double>(i)));
      decay_pow.push_back(std::pow(c.cycle_decay, static_cast<double>(i)));
    }
    if (c.cycle_mul != 1.0) BuildStarts(c);
  }
  static double Lookup(const std::vector<double>& table, double base, int64_t i) {
    return (i >= 0 && i < static_cast<int64_t>(table.size())) ? table[static_cast<size_t>(i)]
                                                              : std::pow(base, static_cast<double>(i));
  }

 private:
  void BuildStarts(const CycleOptions& c) {
    const auto t0 = static_cast<double>(c.t_initial);
    const double mul = c.cycle_mul, gap = std::abs(1.0 - mul) / t0;
    constexpr int64_t kMaxT = int64_t{1} << 52;  // integers stay exact as doubles
    // The argument of the log at t, and whether t is inside the range the monotonicity argument covers.
    const auto usable = [&](int64_t t) {
      const double arg = 1.0 - static_cast<double>(t) / t0 * (1.0 - mul);
      return t <= kMaxT && std::isfinite(arg) && arg > 0.0 && gap >= std::ldexp(std::max(1.0, arg), -30);
    };
    const auto index = [&](int64_t t) { return CycleIndexFormula(static_cast<double>(t), t0, mul, log_mul); };
    if (!std::isfinite(log_mul) || log_mul == 0.0 || !usable(0) || index(0) != 0.0) return;
    std::vector<int64_t> found = {0};
    for (int k = 1; k < 64; ++k) {
      // Exponential then binary search for the first t with index(t) >= k (index(lo) < k holds).
      int64_t lo = found.back(), width = 1;
      while (usable(lo + width) && !(index(lo + width) >= k)) {
        lo += width;
        width *= 2;
      }
      int64_t hi = lo + width;
      if (!usable(hi) || index(hi) != static_cast<double>(k)) break;  // past the covered range, or a skip
      while (hi - lo > 1) {
        const int64_t mid = lo + (hi - lo) / 2;
        (index(mid) >= k ? hi : lo) = mid;
      }
      found.push_back(hi);
    }
    if (found.size() < 2) return;
    starts = std::move(found);
    for (size_t i = 0; i < starts.size(); ++i) {
      const double mi = mul_pow[i];
      cycle_len.push_back(mi * t0);
      cycle_offset.push_back((1.0 - mi) / (1.0 - mul) * t0);
    }
  }
};

namespace {

constexpr double kPi = std::numbers::pi;

struct CyclePosition {
  int64_t i;     // cycle index
  double t_i;    // cycle length
  double t_cur;  // position in the cycle
};

CyclePosition Locate(int64_t step, const CycleOptions& c, const CycleTables& tab) {
  const auto t = static_cast<double>(step);
  const auto t0 = static_cast<double>(c.t_initial);
  if (c.cycle_mul != 1.0) {
    if (!tab.starts.empty() && step >= 0 && step < tab.starts.back()) {
      const auto i = std::upper_bound(tab.starts.begin(), tab.starts.end(), step) - tab.starts.begin() - 1;
      const auto k = static_cast<size_t>(i);
      return {i, tab.cycle_len[k], t - tab.cycle_offset[k]};
    }
    const auto i = static_cast<int64_t>(CycleIndexFormula(t, t0, c.cycle_mul, tab.log_mul));
    const double mi = CycleTables::Lookup(tab.mul_pow, c.cycle_mul, i);
    return {i, mi * t0, t - (1.0 - mi) / (1.0 - c.cycle_mul) * t0};
  }
  const auto i = static_cast<int64_t>(std::floor(t / t0));
  return {i, t0, t - (t0 * static_cast<double>(i))};
}

void CheckCycle(const CycleOptions& c, const WarmupOptions& w, std::string_view where) {
  detail::RequirePositive(c.t_initial, where, "t_initial");
  // Without warmup_prefix the warmup is part of the first cycle: it must not be longer than the training.
  detail::Require(w.warmup_prefix || c.cycle_limit != 1 || w.warmup_t <= c.t_initial, where,
                  "warmup_t ({}) must not exceed t_initial ({}) unless warmup_prefix is set", w.warmup_t,
                  c.t_initial);
  detail::Require(c.lr_min >= 0, where, "lr_min must be >= 0, got {}", c.lr_min);
  detail::Require(c.cycle_mul > 0, where, "cycle_mul must be > 0, got {}", c.cycle_mul);
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

bool Scheduler::InWarmup(int64_t t, std::vector<double>& out) const {
  if (t >= warmup_.warmup_t) return false;
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = warmup_.warmup_lr_init + static_cast<double>(t) * warmup_steps_[i];
  return true;
}

void Scheduler::Step(int64_t epoch, std::optional<double>) {
  if (!t_in_epochs_) return;
  buffer_.resize(base_values_.size());
  ComputeLrs(epoch, buffer_);
  UpdateGroups(buffer_);
}

void Scheduler::StepUpdate(int64_t num_updates, std::optional<double>) {
  if (t_in_epochs_) return;
  buffer_.resize(base_values_.size());
  ComputeLrs(num_updates, buffer_);
  UpdateGroups(buffer_);
}

// t^k / t_i^k (pow(x, 1) is x exactly, so k = 1 skips the calls).
static double KPow(double x, double k) { return k == 1.0 ? x : std::pow(x, k); }

// ---- Cosine
CosineLRScheduler::CosineLRScheduler(OptimizerPtr optimizer, CycleOptions cycle, WarmupOptions warmup,
                                     bool t_in_epochs)
    : Scheduler(std::move(optimizer), t_in_epochs, warmup), c_(cycle) {
  CheckCycle(c_, warmup_, "CosineLRScheduler");
  tables_ = std::make_shared<const CycleTables>(c_);
}

void CosineLRScheduler::ComputeLrs(int64_t step, std::vector<double>& out) const {
  if (InWarmup(step, out)) return;
  int64_t t = warmup_.warmup_prefix ? step - warmup_.warmup_t : step;
  const auto pos = Locate(t, c_, *tables_);
  const double gamma = CycleTables::Lookup(tables_->decay_pow, c_.cycle_decay, pos.i);
  const bool in_cycle = pos.i < c_.cycle_limit;
  // The cosine term depends on t only: computed once for all groups.
  const double cos_term =
      in_cycle ? 1.0 + std::cos(kPi * KPow(pos.t_cur, c_.k_decay) / KPow(pos.t_i, c_.k_decay)) : 0.0;
  for (size_t g = 0; g < base_values_.size(); ++g) {
    const double v = base_values_[g];
    const double lr_max = v * gamma;
    if (in_cycle) {
      out[g] = (c_.lr_min + 0.5 * (lr_max - c_.lr_min) * cos_term);
    } else {
      out[g] = (c_.lr_min);
    }
  }
}

// ---- Poly
PolyLRScheduler::PolyLRScheduler(OptimizerPtr optimizer, CycleOptions cycle, double power,
                                 WarmupOptions warmup, bool t_in_epochs)
    : Scheduler(std::move(optimizer), t_in_epochs, warmup), c_(cycle), power_(power) {
  CheckCycle(c_, warmup_, "PolyLRScheduler");
  tables_ = std::make_shared<const CycleTables>(c_);
  detail::RequireFinite(power, "PolyLRScheduler", "power");
}

void PolyLRScheduler::ComputeLrs(int64_t step, std::vector<double>& out) const {
  if (InWarmup(step, out)) return;
  int64_t t = warmup_.warmup_prefix ? step - warmup_.warmup_t : step;
  const auto pos = Locate(t, c_, *tables_);
  const double gamma = CycleTables::Lookup(tables_->decay_pow, c_.cycle_decay, pos.i);
  const bool in_cycle = pos.i < c_.cycle_limit;
  // The polynomial term depends on t only: computed once for all groups.
  const double poly_term =
      in_cycle ? std::pow(1.0 - KPow(pos.t_cur, c_.k_decay) / KPow(pos.t_i, c_.k_decay), power_) : 0.0;
  for (size_t g = 0; g < base_values_.size(); ++g) {
    const double v = base_values_[g];
    const double lr_max = v * gamma;
    if (in_cycle) {
      out[g] = (c_.lr_min + (lr_max - c_.lr_min) * poly_term);
    } else {
      out[g] = (c_.lr_min);
    }
  }
}

// ---- Tanh
TanhLRScheduler::TanhLRScheduler(OptimizerPtr optimizer, CycleOptions cycle, double lb, double ub,
                                 WarmupOptions warmup, bool t_in_epochs)
    : Scheduler(std::move(optimizer), t_in_epochs, warmup), c_(cycle), lb_(lb), ub_(ub) {
  CheckCycle(c_, warmup_, "TanhLRScheduler");
  tables_ = std::make_shared<const CycleTables>(c_);
  detail::Require(lb < ub, "TanhLRScheduler", "lb ({}) must be < ub ({})", lb, ub);
  // timm's tanh warms up towards its own value at warmup_t (unless warmup_prefix), not the base value.
  if (warmup_.warmup_t > 0 && !warmup_.warmup_prefix) {
    const auto target = LrAt(warmup_.warmup_t);
    for (size_t i = 0; i < target.size(); ++i) {
      warmup_steps_[i] = (target[i] - warmup_.warmup_lr_init) / static_cast<double>(warmup_.warmup_t);
    }
  }
}

void TanhLRScheduler::ComputeLrs(int64_t step, std::vector<double>& out) const {
  if (InWarmup(step, out)) return;
  int64_t t = warmup_.warmup_prefix ? step - warmup_.warmup_t : step;
  const auto pos = Locate(t, c_, *tables_);
  for (size_t g = 0; g < base_values_.size(); ++g) {
    const double v = base_values_[g];
    if (pos.i < c_.cycle_limit) {
      const double gamma = CycleTables::Lookup(tables_->decay_pow, c_.cycle_decay, pos.i);
      const double lr_max = v * gamma;
      const double tr = pos.t_cur / pos.t_i;
      out[g] = (c_.lr_min + 0.5 * (lr_max - c_.lr_min) * (1.0 - std::tanh(lb_ * (1.0 - tr) + ub_ * tr)));
    } else {
      out[g] = (c_.lr_min);
    }
  }
}

// ---- Step
StepLRScheduler::StepLRScheduler(OptimizerPtr optimizer, double decay_t, double decay_rate,
                                 WarmupOptions warmup, bool t_in_epochs)
    : Scheduler(std::move(optimizer), t_in_epochs, warmup), decay_t_(decay_t), decay_rate_(decay_rate) {
  detail::Require(decay_t > 0, "StepLRScheduler", "decay_t must be > 0, got {}", decay_t);
  detail::RequireFinite(decay_rate, "StepLRScheduler", "decay_rate");
}

void StepLRScheduler::ComputeLrs(int64_t step, std::vector<double>& out) const {
  if (InWarmup(step, out)) return;
  int64_t t = warmup_.warmup_prefix ? step - warmup_.warmup_t : step;
  const double k = std::floor(static_cast<double>(t) / decay_t_);
  for (size_t g = 0; g < base_values_.size(); ++g) out[g] = base_values_[g] * std::pow(decay_rate_, k);
}

// ---- MultiStep
MultiStepLRScheduler::MultiStepLRScheduler(OptimizerPtr optimizer, std::vector<int64_t> decay_t,
                                           double decay_rate, WarmupOptions warmup, bool t_in_epochs)
    : Scheduler(std::move(optimizer), t_in_epochs, warmup),
      decay_t_(std::move(decay_t)),
      decay_rate_(decay_rate) {
  for (size_t i = 1; i < decay_t_.size(); ++i) {
    detail::Require(decay_t_[i] >= decay_t_[i - 1], "MultiStepLRScheduler",
                    "decay_t must be in increasing order: decay_t[{}] = {} < decay_t[{}] = {}", i,
                    decay_t_[i], i - 1, decay_t_[i - 1]);
  }
  detail::RequireFinite(decay_rate, "MultiStepLRScheduler", "decay_rate");
}

void MultiStepLRScheduler::ComputeLrs(int64_t step, std::vector<double>& out) const {
  if (InWarmup(step, out)) return;
  int64_t t = warmup_.warmup_prefix ? step - warmup_.warmup_t : step;
  // timm: bisect_right(decay_t, t + 1).
  const auto k = std::upper_bound(decay_t_.begin(), decay_t_.end(), t + 1) - decay_t_.begin();
  for (size_t g = 0; g < base_values_.size(); ++g)
    out[g] = base_values_[g] * std::pow(decay_rate_, static_cast<double>(k));
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
  detail::Require(metric.has_value(), "PlateauLRScheduler", "step(epoch={}) needs a metric after warmup",
                  epoch);
  plateau_->Step(*metric);
}

void PlateauLRScheduler::ComputeLrs(int64_t, std::vector<double>&) const {
  throw Error("PlateauLRScheduler: the LR depends on the metrics fed to Step(); it has no LrAt(t)");
}

}  // namespace schedkit::train::timm
