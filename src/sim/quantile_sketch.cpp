#include "schedkit/sim/quantile_sketch.h"

#include <algorithm>
#include <cmath>

namespace schedkit::sim {

QuantileSketch::QuantileSketch(double relative_accuracy)
    : gamma_((1 + relative_accuracy) / (1 - relative_accuracy)), log_gamma_(std::log(gamma_)) {}

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
  const auto index = static_cast<int64_t>(std::ceil(std::log(value) / log_gamma_));
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
      // Bucket i covers (gamma^(k-1), gamma^k]: its midpoint in relative terms.
      const double k = static_cast<double>(offset_ + static_cast<int64_t>(i));
      const double v = 2.0 * std::exp(k * log_gamma_) / (1.0 + gamma_);
      return std::clamp(v, min_, max_);
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
