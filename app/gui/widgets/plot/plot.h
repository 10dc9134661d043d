// Our small plotting layer on ImDrawList (ImPlot is not packaged here): one call draws a
// framed plot with linear or true log10 axes (decade ticks and grid), series with lines and
// markers, power-law guide lines (y ∝ x^p, dashed), shaded x-bands, a legend whose entries
// toggle series on click, and a tooltip with the values of the point under the mouse.
#pragma once
#include <imgui.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/gui/widgets/plot/axis.h"

namespace vs::gui::plot {

struct Series {
  Series() = default;
  Series(std::string label_, ImU32 color_) : label(std::move(label_)), color(color_) {}
  std::string label;        // legend text, tooltip title and the toggle key
  std::string legend_note;  // appended in the legend, e.g. "slope 3.92"
  ImU32 color = IM_COL32_WHITE;
  std::vector<double> x, y;  // non-finite (or ≤ 0 on a log axis) points are skipped
  std::vector<std::string> notes;  // optional extra tooltip line per point
  bool lines = true, markers = true, dashed = false;
  bool fits_range = true;  // false: drawn (clipped) but ignored when fitting the axes
};

// y = anchor_y · (x / anchor_x)^exponent over the whole x range: the theory's n^4, n^2.
struct PowerGuide {
  std::string label;
  double anchor_x = 1, anchor_y = 1, exponent = 1;
  ImU32 color = IM_COL32(200, 200, 200, 160);
};

// A shaded interval of x (zones of the threshold picture), labelled at its top.
struct Band {
  double x0 = 0, x1 = 0;
  ImU32 color = IM_COL32(255, 255, 255, 20);
  std::string label;
};

struct PlotSpec {
  std::string title, x_label, y_label;
  Scale x_scale = Scale::kLinear, y_scale = Scale::kLinear;
  std::vector<Series> series;
  std::vector<PowerGuide> guides;
  std::vector<Band> bands;
  std::optional<Range> x_range, y_range;  // fixed ranges; otherwise fitted to the data
  std::string empty_text = "no data yet";
  enum class LegendCorner { kTopLeft, kTopRight, kBottomLeft, kBottomRight };
  LegendCorner legend_corner = LegendCorner::kTopLeft;
};

// What persists between frames: the legend toggles.
struct PlotState {
  std::set<std::string> hidden;
};

// Draws the plot into a size-sized box at the cursor (size.x/y ≤ 0: fill the available space).
void draw_plot(const char* id, const PlotSpec& spec, PlotState& state, ImVec2 size);

// A qualitative palette readable on the dark theme (index wraps).
ImU32 palette_color(int index);

}  // namespace vs::gui::plot
