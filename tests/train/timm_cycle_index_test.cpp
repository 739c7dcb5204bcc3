// The timm cosine scheduler finds the cycle of step t from a table of cycle starts (no log per step); these
// tests compare it bit for bit with a direct transcription of timm's CosineLRScheduler._get_lr, which takes
// a log per step, over every step of the first cycles and around the cycle starts further out.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "schedkit/train/timm.h"

namespace schedkit::train {
namespace {

// timm/scheduler/cosine_lr.py _get_lr for one group, no warmup, k_decay = 1 (math.log(x, b) is
// log(x) / log(b) in CPython).
double TimmCosineReference(double t, double base, const timm::CycleOptions& c) {
  const auto t0 = static_cast<double>(c.t_initial);
  double i, t_i, t_curr;
  if (c.cycle_mul != 1.0) {
    i = std::floor(std::log(1.0 - t / t0 * (1.0 - c.cycle_mul)) / std::log(c.cycle_mul));
    t_i = std::pow(c.cycle_mul, i) * t0;
    t_curr = t - (1.0 - std::pow(c.cycle_mul, i)) / (1.0 - c.cycle_mul) * t0;
  } else {
    i = std::floor(t / t0);
    t_i = t0;
    t_curr = t - (t0 * i);
  }
  const double lr_max = base * std::pow(c.cycle_decay, i);
  if (i < static_cast<double>(c.cycle_limit)) {
    return c.lr_min + 0.5 * (lr_max - c.lr_min) * (1.0 + std::cos(std::numbers::pi * t_curr / t_i));
  }
  return c.lr_min;
}

void ExpectMatchesTimm(int64_t t_initial, double cycle_mul, int64_t dense_steps, int64_t sparse_limit) {
  timm::CycleOptions c;
  c.t_initial = t_initial;
  c.cycle_mul = cycle_mul;
  c.cycle_decay = 0.9;
  c.cycle_limit = 1000;
  c.lr_min = 1e-6;
  timm::CosineLRScheduler s(pytorch::MakeOptimizer({0.1}), c);
  // Steps whose log argument is <= 0 (past the end of a shrinking schedule) have no cycle in timm either.
  const auto defined = [&](int64_t t) {
    return 1.0 - static_cast<double>(t) / static_cast<double>(t_initial) * (1.0 - cycle_mul) > 0.0;
  };
  int64_t checked = 0;
  const auto check = [&](int64_t t) {
    if (t < 0 || !defined(t)) return;
    const double want = TimmCosineReference(static_cast<double>(t), 0.1, c);
    const double got = s.LrAt(t)[0];
    ASSERT_EQ(std::bit_cast<uint64_t>(got), std::bit_cast<uint64_t>(want))
        << "t_initial " << t_initial << ", cycle_mul " << cycle_mul << ", t " << t << ": " << got << " vs "
        << want;
    ++checked;
  };
  for (int64_t t = 0; t < dense_steps; ++t) check(t);
  // Further out: a geometric sweep, each point with its neighbours (cycle starts are where a table could be
  // off by one).
  for (double x = static_cast<double>(dense_steps); x < static_cast<double>(sparse_limit); x *= 1.003) {
    const auto t = static_cast<int64_t>(x);
    for (int64_t d = -2; d <= 2; ++d) check(t + d);
  }
  EXPECT_GT(checked, dense_steps / 2);
}

TEST(TrainTimmCycleIndex, GrowingCyclesMatchTimmsLogFormula) {
  ExpectMatchesTimm(1000, 2.0, 40000, int64_t{1} << 40);
  ExpectMatchesTimm(7, 1.5, 40000, int64_t{1} << 40);
  ExpectMatchesTimm(3, 3.0, 20000, int64_t{1} << 50);
  ExpectMatchesTimm(1, 1.1, 20000, int64_t{1} << 30);
  ExpectMatchesTimm(100000, 1.0001, 20000, int64_t{1} << 40);
}

TEST(TrainTimmCycleIndex, ShrinkingCyclesMatchTimmsLogFormula) {
  ExpectMatchesTimm(100, 0.5, 250, 250);
  ExpectMatchesTimm(1000, 0.9, 12000, 12000);
  ExpectMatchesTimm(50000, 0.7, 200000, 200000);
}

TEST(TrainTimmCycleIndex, FixedCyclesMatchTimm) { ExpectMatchesTimm(333, 1.0, 20000, int64_t{1} << 40); }

}  // namespace
}  // namespace schedkit::train
