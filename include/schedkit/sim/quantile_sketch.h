// Streaming quantiles of positive values with bounded relative error (log-spaced buckets, as DDSketch, which
// Vidur uses for its per-token TBT CDF). Memory is O(log(max/min) / accuracy), independent of the sample
// count.
#pragma once

#include <cstdint>
#include <vector>

namespace schedkit::sim {

class QuantileSketch {
 public:
  static constexpr int kMantissaBits = 10;
  QuantileSketch() = default;
  void Add(double value);
  int64_t count() const { return count_; }
  double min() const { return min_; }
  double max() const { return max_; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
  // q in [0, 1]; within 0.05 % of an exact order statistic. 0 when empty.
  double Quantile(double q) const;

 private:
  int64_t offset_ = 0;  // bucket index of buckets_[0]
  std::vector<int64_t> buckets_;
  int64_t zeros_ = 0;  // values <= 0 (a token at the same instant as the previous one)
  int64_t count_ = 0;
  double sum_ = 0, min_ = 0, max_ = 0;
};

// Exact quantile with linear interpolation between order statistics (pandas' default), of unsorted values.
double ExactQuantile(std::vector<double> values, double q);

}  // namespace schedkit::sim
