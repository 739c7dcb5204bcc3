// SVG line plot (see include/schedkit/train/plot.h).
#include "schedkit/train/plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "check.h"

namespace schedkit::train {
namespace {

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '&') {
      out += "&amp;";
    } else if (c == '"') {
      out += "&quot;";
    } else {
      out += c;
    }
  }
  return out;
}

constexpr const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};

}  // namespace

std::string RenderSvgPlot(const std::vector<PlotSeries>& series, const std::string& title) {
  detail::Require(!series.empty(), "plot", "nothing to plot");
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  size_t n = 0;
  for (const auto& s : series) {
    n = std::max(n, s.values.size());
    for (double v : s.values) {
      if (std::isfinite(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
  }
  detail::Require(n > 0 && std::isfinite(lo), "plot", "the series have no finite values");
  if (hi == lo) {
    hi += 0.5 * (std::fabs(hi) > 0 ? std::fabs(hi) : 1.0);
    lo -= 0.5 * (std::fabs(lo) > 0 ? std::fabs(lo) : 1.0);
  }
  const double W = 800, H = 450, left = 90, right = 20, top = 40, bottom = 50;
  const double pw = W - left - right, ph = H - top - bottom;
  const double xmax = n > 1 ? static_cast<double>(n - 1) : 1.0;
  auto X = [&](double i) { return left + pw * i / xmax; };
  auto Y = [&](double v) { return top + ph * (hi - v) / (hi - lo); };
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      W, H, W, H);
  svg += fmt::format("<text x=\"{}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">{}</text>\n", W / 2,
                     Escape(title));
  svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#444\"/>\n",
                     left, top, pw, ph);
  for (int k = 0; k <= 4; ++k) {
    const double v = lo + (hi - lo) * k / 4.0;
    const double y = Y(v);
    svg += fmt::format("<line x1=\"{}\" y1=\"{:.2f}\" x2=\"{}\" y2=\"{:.2f}\" stroke=\"#ddd\"/>\n", left, y,
                       left + pw, y);
    svg += fmt::format("<text x=\"{}\" y=\"{:.2f}\" text-anchor=\"end\">{:.4g}</text>\n", left - 6, y + 4, v);
    const double i = xmax * k / 4.0;
    svg += fmt::format("<text x=\"{:.2f}\" y=\"{}\" text-anchor=\"middle\">{:.0f}</text>\n", X(i),
                       top + ph + 18, i);
  }
  svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">step</text>\n", left + pw / 2, H - 8);
  for (size_t s = 0; s < series.size(); ++s) {
    const char* color = kColors[s % (sizeof kColors / sizeof kColors[0])];
    std::string points;
    // At most ~4000 points: larger series are decimated (every k-th point, plus the last).
    const size_t m = series[s].values.size();
    const size_t stride = std::max<size_t>(1, m / 4000);
    for (size_t i = 0; i < m; i += stride) {
      const double v = series[s].values[i];
      if (std::isfinite(v)) points += fmt::format("{:.2f},{:.2f} ", X(static_cast<double>(i)), Y(v));
    }
    if (m > 0 && (m - 1) % stride != 0 && std::isfinite(series[s].values[m - 1])) {
      points += fmt::format("{:.2f},{:.2f}", X(static_cast<double>(m - 1)), Y(series[s].values[m - 1]));
    }
    svg += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\" points=\"{}\"/>\n", color,
                       points);
    svg += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"{}\">{}</text>\n", left + 10,
                       top + 16 + 16 * static_cast<double>(s), color, Escape(series[s].label));
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace schedkit::train
