// Piecewise-linear and row-interpolated surfaces over profile samples.
#include "schedkit/sim/profile_interp.h"

#include <algorithm>
#include <map>

namespace schedkit::sim {
namespace {

constexpr size_t kMaxTailRows = 64;

// Index i of the segment [xs[i], xs[i+1]] used for x (the end segments also serve outside the range).
size_t Segment(const std::vector<double>& xs, double x) {
  const auto it = std::upper_bound(xs.begin() + 1, xs.end() - 1, x);
  return static_cast<size_t>(it - xs.begin()) - 1;
}

}  // namespace

PiecewiseLinear::PiecewiseLinear(std::vector<std::pair<double, double>> points, double fallback_slope)
    : fallback_slope_(fallback_slope) {
  std::stable_sort(points.begin(), points.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < points.size();) {
    size_t j = i;
    double sum = 0.0;
    while (j < points.size() && points[j].first == points[i].first) sum += points[j++].second;
    x_.push_back(points[i].first);
    y_.push_back(sum / static_cast<double>(j - i));
    i = j;
  }
  if (x_.size() >= 2) tail_slope_ = TailSlope(x_.data(), y_.data(), x_.size());
}

double TailSlope(const double* x, const double* y, size_t n) {
  if (n < 2) return 0.0;
  const double cut = x[0] + 0.75 * (x[n - 1] - x[0]);
  size_t first = n - 2;
  while (first > 0 && x[first - 1] >= cut) --first;
  double mx = 0, my = 0;
  for (size_t i = first; i < n; ++i) {
    mx += x[i];
    my += y[i];
  }
  const double m = static_cast<double>(n - first);
  mx /= m;
  my /= m;
  double sxy = 0, sxx = 0;
  for (size_t i = first; i < n; ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
  }
  return sxy / sxx;
}

double PiecewiseLinear::operator()(double x) const {
  if (x_.size() < 2) return x_.empty() ? 0.0 : y_[0] + fallback_slope_ * (x - x_[0]);
  if (x > x_.back()) return y_.back() + tail_slope_ * (x - x_.back());
  const size_t i = Segment(x_, x);
  const double t = (x - x_[i]) / (x_[i + 1] - x_[i]);
  if (t == 1.0) return y_[i + 1];
  return y_[i] + t * (y_[i + 1] - y_[i]);
}

double PiecewiseLinear::Clamped(double x) const {
  if (x_.empty()) return 0.0;
  return (*this)(std::clamp(x, x_.front(), x_.back()));
}

double PiecewiseLinear::mean_slope() const {
  if (x_.size() < 2) return fallback_slope_;
  return (y_.back() - y_.front()) / (x_.back() - x_.front());
}

RowInterpolated2D::RowInterpolated2D(std::vector<double> row_x, std::vector<PiecewiseLinear> rows)
    : row_x_(std::move(row_x)), rows_(std::move(rows)) {}

double RowInterpolated2D::operator()(double x, double y) const {
  if (row_x_.empty()) return 0.0;
  if (row_x_.size() == 1) return rows_[0](y);
  if (x > row_x_.back()) {
    // Rows in the top quarter of the x range, evaluated at y, then the tail slope (no allocation: <= 64
    // rows).
    const size_t n = row_x_.size();
    const double cut = row_x_.front() + 0.75 * (row_x_.back() - row_x_.front());
    size_t first = n - 2;
    while (first > 0 && row_x_[first - 1] >= cut && n - first < kMaxTailRows) --first;
    double xs[kMaxTailRows], zs[kMaxTailRows];
    for (size_t i = first; i < n; ++i) {
      xs[i - first] = row_x_[i];
      zs[i - first] = rows_[i](y);
    }
    const size_t m = n - first;
    return zs[m - 1] + TailSlope(xs, zs, m) * (x - row_x_.back());
  }
  const size_t i = Segment(row_x_, x);
  const double t = (x - row_x_[i]) / (row_x_[i + 1] - row_x_[i]);
  if (t == 0.0) return rows_[i](y);
  if (t == 1.0) return rows_[i + 1](y);
  const double a = rows_[i](y);
  return a + t * (rows_[i + 1](y) - a);
}

double RowInterpolated2D::Clamped(double x, double y) const {
  if (row_x_.empty()) return 0.0;
  if (row_x_.size() == 1) return rows_[0].Clamped(y);
  x = std::clamp(x, row_x_.front(), row_x_.back());
  const size_t i = Segment(row_x_, x);
  const double t = (x - row_x_[i]) / (row_x_[i + 1] - row_x_[i]);
  const double a = rows_[i].Clamped(y);
  if (t == 0.0) return a;
  if (t == 1.0) return rows_[i + 1].Clamped(y);
  return a + t * (rows_[i + 1].Clamped(y) - a);
}

RowInterpolated2D BuildRows(const std::vector<double>& x, const std::vector<double>& y,
                            const std::vector<double>& z) {
  std::map<double, std::vector<std::pair<double, double>>> by_x;
  for (size_t i = 0; i < x.size(); ++i) by_x[x[i]].emplace_back(y[i], z[i]);
  std::vector<double> row_x;
  std::vector<PiecewiseLinear> rows;
  for (auto& [key, points] : by_x) {
    row_x.push_back(key);
    rows.emplace_back(std::move(points));
  }
  return RowInterpolated2D(std::move(row_x), std::move(rows));
}

}  // namespace schedkit::sim
