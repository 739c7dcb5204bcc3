#include "schedkit/graph/gantt_svg.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "schedkit/util/error.h"

namespace schedkit::graph {

namespace {

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A "nice" tick step (1, 2 or 5 times a power of ten) giving about `target` ticks.
double TickStep(double span, int target) {
  const double raw = span / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= m * mag) return m * mag;
  }
  return 10 * mag;
}

constexpr const char* kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
                                    "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#1f77b4", "#2ca02c"};

}  // namespace

std::string RenderGanttSvg(const GanttChart& chart) {
  const double row_h = 28, label_w = 110, plot_w = 900, top = 40, bottom = 40;
  double end = 0;
  for (const auto& b : chart.bars) end = std::max(end, b.finish);
  if (end <= 0) end = 1;
  const double scale = plot_w / end;
  const double height = top + row_h * chart.rows.size() + bottom;
  const double width = label_w + plot_w + 30;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"{:.0f}\" "
      "font-family=\"sans-serif\" "
      "font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{:.0f}\" y=\"22\" font-size=\"14\" font-weight=\"bold\">{}</text>\n",
      width, height, label_w, Escape(chart.title));
  for (size_t r = 0; r < chart.rows.size(); ++r) {
    const double y = top + row_h * r;
    svg += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"/>\n",
                       label_w, y, plot_w, row_h, r % 2 ? "#f4f4f4" : "#fbfbfb");
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", label_w - 6,
                       y + row_h / 2 + 4, Escape(chart.rows[r]));
  }
  const double step = TickStep(end, 10);
  const double axis_y = top + row_h * chart.rows.size();
  for (double t = 0; t <= end + 1e-9; t += step) {
    const double x = label_w + t * scale;
    svg +=
        fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#ccc\"/>\n",
                    x, top, axis_y);
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{:g}</text>\n", x, axis_y + 15,
                       t);
  }
  for (const auto& b : chart.bars) {
    const double x = label_w + b.start * scale, w = std::max(0.5, (b.finish - b.start) * scale);
    const double y = top + row_h * b.row + 3;
    const char* colour = kPalette[static_cast<size_t>(std::abs(b.colour)) % std::size(kPalette)];
    svg += fmt::format(
        "<g><title>{} [{:g}, {:g})</title><rect x=\"{:.2f}\" y=\"{:.1f}\" width=\"{:.2f}\" height=\"{:.1f}\" "
        "fill=\"{}\" stroke=\"#333\" stroke-width=\"0.5\"/>",
        Escape(b.label), b.start, b.finish, x, y, w, row_h - 6, colour);
    if (w >= 7.0 * b.label.size()) {
      svg += fmt::format("<text x=\"{:.2f}\" y=\"{:.1f}\" text-anchor=\"middle\" fill=\"white\">{}</text>",
                         x + w / 2, y + row_h / 2 + 1, Escape(b.label));
    }
    svg += "</g>\n";
  }
  svg += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\" text-anchor=\"middle\">time</text>\n</svg>\n",
                     label_w + plot_w / 2, axis_y + 32);
  return svg;
}

void WriteGanttSvg(const GanttChart& chart, const std::string& path) {
  std::ofstream out(path);
  if (!out) throw Error(fmt::format("cannot write '{}'", path));
  out << RenderGanttSvg(chart);
  if (!out) throw Error(fmt::format("error while writing '{}'", path));
}

}  // namespace schedkit::graph
