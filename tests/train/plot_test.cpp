// The SVG plot: one polyline per series, escaped labels, errors on empty input.
#include "schedkit/train/plot.h"

#include <gtest/gtest.h>

#include "schedkit/util/error.h"

namespace schedkit::train {
namespace {

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(TrainPlot, OnePolylinePerSeriesAndEscapedText) {
  const auto svg = RenderSvgPlot({{"lr", {1.0, 0.5, 0.25}}, {"momentum", {0.9, 0.85, 0.8}}}, "a<b & c");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_EQ(Count(svg, "<polyline"), 2u);
  EXPECT_NE(svg.find("a&lt;b &amp; c"), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  // The first point of "lr" (max value) sits on the top edge, the last (min value) on the bottom edge.
  EXPECT_NE(svg.find("points=\"90.00,40.00 "), std::string::npos);
}

TEST(TrainPlot, ConstantSeriesAndErrors) {
  EXPECT_NO_THROW(RenderSvgPlot({{"c", {2.0, 2.0}}}, "flat"));
  EXPECT_THROW(RenderSvgPlot({}, "none"), Error);
  EXPECT_THROW(RenderSvgPlot({{"empty", {}}}, "none"), Error);
}

}  // namespace
}  // namespace schedkit::train
