#include "schedkit/sim/quantile_sketch.h"

#include <gtest/gtest.h>

#include <random>

namespace schedkit::sim {
namespace {

TEST(QuantileSketch, WithinRelativeAccuracyOfExactQuantiles) {
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> d(-3.0, 1.0);
  std::vector<double> v;
  QuantileSketch s;
  for (int i = 0; i < 100000; ++i) {
    v.push_back(d(rng));
    s.Add(v.back());
  }
  for (double q : {0.01, 0.5, 0.9, 0.99, 0.999}) {
    const double exact = ExactQuantile(v, q);
    EXPECT_NEAR(s.Quantile(q), exact, 0.0011 * exact) << q;  // bucket accuracy + one order statistic
  }
  EXPECT_EQ(s.count(), 100000);
}

TEST(ExactQuantile, InterpolatesLinearlyLikePandas) {
  EXPECT_DOUBLE_EQ(ExactQuantile({1, 2, 3, 4}, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(ExactQuantile({4, 1, 3, 2}, 0.9), 3.7);
  EXPECT_DOUBLE_EQ(ExactQuantile({5}, 0.99), 5);
  EXPECT_DOUBLE_EQ(ExactQuantile({}, 0.5), 0);
}

}  // namespace
}  // namespace schedkit::sim
