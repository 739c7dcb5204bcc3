// Interpolation over profiled operator timings: piecewise-linear curves and row-interpolated 2-D surfaces.
// Both reproduce the profiled points exactly and extrapolate linearly (no clamping) beyond the grid.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace schedkit::sim {

// y(x) through sorted knots; repeated x values are averaged. Outside [x_first, x_last] the first / last
// segment is extended. A single knot gives a line through it with `fallback_slope` (0 unless set).
class PiecewiseLinear {
 public:
  PiecewiseLinear() = default;
  explicit PiecewiseLinear(std::vector<std::pair<double, double>> points, double fallback_slope = 0.0);

  double operator()(double x) const;
  // The value at x clamped to [x_first, x_last] (flat beyond the knots, as a random forest trained on them).
  double Clamped(double x) const;
  bool empty() const { return x_.empty(); }
  std::size_t size() const { return x_.size(); }
  const std::vector<double>& xs() const { return x_; }
  const std::vector<double>& ys() const { return y_; }
  // (y_last - y_first) / (x_last - x_first), or the fallback slope for a single knot.
  double mean_slope() const;
  void set_fallback_slope(double slope) { fallback_slope_ = slope; }

 private:
  std::vector<double> x_, y_;
  double tail_slope_ = 0.0;
  double fallback_slope_ = 0.0;
};

// z(x, y): one PiecewiseLinear in y per profiled x ("row"), linear in x between the two rows around x (the
// end rows are extended beyond the first and last x). On a full rectilinear grid this is bilinear
// interpolation.
class RowInterpolated2D {
 public:
  RowInterpolated2D() = default;
  RowInterpolated2D(std::vector<double> row_x, std::vector<PiecewiseLinear> rows);

  double operator()(double x, double y) const;
  // x clamped to [first row, last row] and y to each row's knots: flat beyond the profiled points.
  double Clamped(double x, double y) const;
  bool empty() const { return row_x_.empty(); }
  const std::vector<double>& row_x() const { return row_x_; }
  const std::vector<PiecewiseLinear>& rows() const { return rows_; }

 private:
  std::vector<double> row_x_;
  std::vector<PiecewiseLinear> rows_;
};

// Least-squares slope of the points with x in the top quarter of [x_first, x_last] (at least the last two).
double TailSlope(const double* x, const double* y, std::size_t n);

// Groups (x, y, z) samples by x into rows of a RowInterpolated2D.
RowInterpolated2D BuildRows(const std::vector<double>& x, const std::vector<double>& y,
                            const std::vector<double>& z);

}  // namespace schedkit::sim
