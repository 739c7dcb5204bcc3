// A self-contained SVG Gantt chart: one row per resource, one labelled bar per activity, a time axis.
#pragma once

#include <string>
#include <vector>

namespace schedkit::graph {

struct GanttBar {
  int row = 0;
  double start = 0, finish = 0;
  std::string label;  // drawn inside the bar when it fits, always in the tooltip
  int colour = 0;     // index into a fixed palette (e.g. job id)
};

struct GanttChart {
  std::string title;
  std::vector<std::string> rows;  // resource names, top to bottom
  std::vector<GanttBar> bars;
};

std::string RenderGanttSvg(const GanttChart& chart);
// Writes the SVG to `path`; throws schedkit::Error if the file cannot be written.
void WriteGanttSvg(const GanttChart& chart, const std::string& path);

}  // namespace schedkit::graph
