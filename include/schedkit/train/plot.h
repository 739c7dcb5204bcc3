// A dependency-free SVG line plot of one or more series over the step (for `schedkit lr --plot`).
#pragma once

#include <string>
#include <vector>

namespace schedkit::train {

struct PlotSeries {
  std::string label;
  std::vector<double> values;  // values[i] at step i
};

// An SVG document (800x450) with axes, min/max tick labels, one polyline per series and a legend.
std::string RenderSvgPlot(const std::vector<PlotSeries>& series, const std::string& title);

}  // namespace schedkit::train
