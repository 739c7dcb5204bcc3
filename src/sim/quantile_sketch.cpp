#include "schedkit/sim/quantile_sketch.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace schedkit::sim {
namespace {

constexpr int kShift = 52 - QuantileSketch::kMantissaBits;

// For positive doubles the bit pattern is monotonic in the value: its top bits are the bucket.
int64_t BucketOf(double value) { return static_cast<int64_t>(std::bit_cast<uint64_t>(value) >> kShift); }

// Geometric midpoint of a bucket's range [lo, hi).
double BucketValue(int64_t bucket) {
  const double lo = std::bit_cast<double>(static_cast<uint64_t>(bucket) << kShift);
  const double hi = std::bit_cast<double>(static_cast<uint64_t>(bucket + 1) << kShift);
  return std::sqrt(lo * hi);
}

}  // namespace

void QuantileSketch::Add(double value) {
  if (count_ == 0) {
    min_ = max_ = value;
  } else {
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }
  ++count_;
  sum_ += value;
  if (value <= 0) {
    ++zeros_;
    return;
  }
  const int64_t index = BucketOf(value);
  if (buckets_.empty()) {
    offset_ = index;
    buckets_.assign(1, 0);
  } else if (index < offset_) {
    buckets_.insert(buckets_.begin(), static_cast<size_t>(offset_ - index), 0);
    offset_ = index;
  } else if (index >= offset_ + static_cast<int64_t>(buckets_.size())) {
    buckets_.resize(static_cast<size_t>(index - offset_ + 1), 0);
  }
  ++buckets_[static_cast<size_t>(index - offset_)];
}

double QuantileSketch::Quantile(double q) const {
  if (count_ == 0) return 0.0;
  const auto rank = static_cast<int64_t>(q * static_cast<double>(count_ - 1));
  if (rank < zeros_) return std::min(0.0, max_);
  int64_t seen = zeros_;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen > rank) {
      return std::clamp(BucketValue(offset_ + static_cast<int64_t>(i)), min_, max_);
    }
  }
  return max_;
}

double ExactQuantile(std::vector<double> values, double q) {
  if (values.empty()) return 0.0;
  const double pos = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, values.size() - 1);
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(lo), values.end());
  const double a = values[lo];
  if (hi == lo) return a;
  const double b = *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(lo) + 1, values.end());
  return a + (b - a) * (pos - static_cast<double>(lo));
}

}  // namespace schedkit::sim
