#include "app/gui/widgets/plot/plot.h"

#include <algorithm>
#include <cmath>

namespace vs::gui::plot {

namespace {

bool usable(Scale scale, double v) { return std::isfinite(v) && (scale == Scale::kLinear || v > 0); }

// ImDrawList has no dashed lines: draw every other piece of the segment.
void dashed_line(ImDrawList* draw, ImVec2 a, ImVec2 b, ImU32 color, float thickness, float dash) {
  const float dx = b.x - a.x, dy = b.y - a.y;
  const float length = std::sqrt(dx * dx + dy * dy);
  if (length <= 0) return;
  for (float t = 0; t < length; t += 2 * dash) {
    const float t1 = std::min(length, t + dash);
    draw->AddLine({a.x + dx * t / length, a.y + dy * t / length}, {a.x + dx * t1 / length, a.y + dy * t1 / length},
                  color, thickness);
  }
}

struct Frame {
  ImVec2 min, max;  // the data area in screen pixels
  Scale xs, ys;
  Range xr, yr;
  ImVec2 to_screen(double x, double y) const {
    return {float(min.x + to_unit(xs, xr, x) * (max.x - min.x)), float(max.y - to_unit(ys, yr, y) * (max.y - min.y))};
  }
};

}  // namespace

ImU32 palette_color(int index) {
  static const ImU32 colors[] = {
      IM_COL32(86, 180, 233, 255),   // sky blue
      IM_COL32(230, 159, 0, 255),    // orange
      IM_COL32(0, 190, 140, 255),    // bluish green
      IM_COL32(240, 228, 66, 255),   // yellow
      IM_COL32(204, 121, 167, 255),  // reddish purple
      IM_COL32(213, 94, 0, 255),     // vermillion
      IM_COL32(160, 160, 255, 255),  // lavender
  };
  return colors[((index % 7) + 7) % 7];
}

void draw_plot(const char* id, const PlotSpec& spec, PlotState& state, ImVec2 size) {
  ImGui::PushID(id);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  if (size.x <= 0) size.x = std::max(avail.x, 50.0f);
  if (size.y <= 0) size.y = std::max(avail.y, 50.0f);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##plot", size);
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float font = ImGui::GetFontSize();
  const ImU32 text_color = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 dim_text = ImGui::GetColorU32(ImGuiCol_TextDisabled);

  // Ranges from the visible data (guides do not stretch the axes).
  std::vector<double> xs_all, ys_all;
  for (const Series& s : spec.series) {
    if (state.hidden.count(s.label) || !s.fits_range) continue;
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
      if (usable(spec.x_scale, s.x[i]) && usable(spec.y_scale, s.y[i])) xs_all.push_back(s.x[i]), ys_all.push_back(s.y[i]);
  }
  Frame f;
  f.xs = spec.x_scale, f.ys = spec.y_scale;
  f.xr = spec.x_range ? *spec.x_range : fit_range(spec.x_scale, xs_all);
  f.yr = spec.y_range ? *spec.y_range : fit_range(spec.y_scale, ys_all);
  const std::vector<Tick> x_ticks = axis_ticks(f.xs, f.xr), y_ticks = axis_ticks(f.ys, f.yr);

  float y_label_width = 0;
  for (const Tick& t : y_ticks)
    if (!t.label.empty()) y_label_width = std::max(y_label_width, ImGui::CalcTextSize(t.label.c_str()).x);
  f.min = {origin.x + y_label_width + 0.8f * font, origin.y + 1.6f * font};
  f.max = {origin.x + size.x - 0.6f * font, origin.y + size.y - 2.6f * font};
  if (f.max.x - f.min.x < 20 || f.max.y - f.min.y < 20) {
    ImGui::PopID();
    return;
  }

  // Title (left) and y-axis label (right of it, dimmer): ImGui cannot rotate text.
  draw->AddText(origin, text_color, spec.title.c_str());
  const float title_w = ImGui::CalcTextSize(spec.title.c_str()).x;
  draw->AddText({origin.x + title_w + font, origin.y}, dim_text, ("↑ " + spec.y_label).c_str());
  draw->AddRectFilled(f.min, f.max, IM_COL32(22, 24, 30, 255));

  draw->PushClipRect(f.min, f.max, true);
  for (const Band& band : spec.bands) {
    const double x0 = std::max(band.x0, f.xr.min), x1 = std::min(band.x1, f.xr.max);
    if (!(x1 > x0)) continue;
    const ImVec2 a = f.to_screen(x0, f.yr.max), b = f.to_screen(x1, f.yr.min);
    draw->AddRectFilled({a.x, f.min.y}, {b.x, f.max.y}, band.color);
    const ImVec2 label_size = ImGui::CalcTextSize(band.label.c_str());
    if (label_size.x < b.x - a.x - 4)
      draw->AddText({(a.x + b.x - label_size.x) / 2, f.min.y + 3}, IM_COL32(230, 230, 230, 200), band.label.c_str());
  }
  for (const Tick& t : x_ticks) {
    const float x = f.to_screen(t.value, f.yr.min).x;
    draw->AddLine({x, f.min.y}, {x, f.max.y}, t.major ? IM_COL32(255, 255, 255, 40) : IM_COL32(255, 255, 255, 16));
  }
  for (const Tick& t : y_ticks) {
    const float y = f.to_screen(f.xr.min, t.value).y;
    draw->AddLine({f.min.x, y}, {f.max.x, y}, t.major ? IM_COL32(255, 255, 255, 40) : IM_COL32(255, 255, 255, 16));
  }

  // Guides first, under the data.
  for (const PowerGuide& g : spec.guides) {
    if (!(usable(f.xs, g.anchor_x) && usable(f.ys, g.anchor_y))) continue;
    const int steps = f.xs == Scale::kLog10 ? 1 : 40;  // a power law is straight only on log-log
    ImVec2 prev{};
    for (int i = 0; i <= steps; ++i) {
      const double x = from_unit(f.xs, f.xr, double(i) / steps);
      const ImVec2 p = f.to_screen(x, g.anchor_y * std::pow(x / g.anchor_x, g.exponent));
      if (i > 0) dashed_line(draw, prev, p, g.color, 1.5f, 0.5f * font);
      prev = p;
    }
    // Label where the guide leaves the frame (top) or at the right edge.
    const double y_right = g.anchor_y * std::pow(f.xr.max / g.anchor_x, g.exponent);
    double x_label = f.xr.max;
    if (g.exponent > 0 && y_right > f.yr.max)
      x_label = g.anchor_x * std::pow(f.yr.max / g.anchor_y, 1.0 / g.exponent);
    ImVec2 p = f.to_screen(x_label, g.anchor_y * std::pow(x_label / g.anchor_x, g.exponent));
    const ImVec2 ls = ImGui::CalcTextSize(g.label.c_str());
    p.x = std::clamp(p.x - ls.x - 4, f.min.x + 2, f.max.x - ls.x - 2);
    p.y = std::clamp(p.y + 2, f.min.y + 2, f.max.y - ls.y - 2);
    draw->AddText(p, g.color, g.label.c_str());
  }

  // Series, and the point nearest the mouse for the tooltip.
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const float pick_radius = 0.7f * font;
  float best_d2 = pick_radius * pick_radius;
  const Series* best_series = nullptr;
  size_t best_index = 0;
  for (const Series& s : spec.series) {
    if (state.hidden.count(s.label)) continue;
    bool have_prev = false;
    ImVec2 prev{};
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!(usable(f.xs, s.x[i]) && usable(f.ys, s.y[i]))) {
        have_prev = false;
        continue;
      }
      const ImVec2 p = f.to_screen(s.x[i], s.y[i]);
      if (s.lines && have_prev) {
        if (s.dashed) dashed_line(draw, prev, p, s.color, 2.0f, 0.4f * font);
        else draw->AddLine(prev, p, s.color, 2.0f);
      }
      if (s.markers) draw->AddCircleFilled(p, 0.22f * font, s.color);
      const float dx = p.x - mouse.x, dy = p.y - mouse.y;
      if (hovered && dx * dx + dy * dy < best_d2) best_d2 = dx * dx + dy * dy, best_series = &s, best_index = i;
      prev = p, have_prev = true;
    }
  }
  if (xs_all.empty()) {
    const ImVec2 ts = ImGui::CalcTextSize(spec.empty_text.c_str());
    draw->AddText({(f.min.x + f.max.x - ts.x) / 2, (f.min.y + f.max.y - ts.y) / 2}, dim_text, spec.empty_text.c_str());
  }
  if (best_series) {
    const ImVec2 p = f.to_screen(best_series->x[best_index], best_series->y[best_index]);
    draw->AddCircle(p, 0.4f * font, IM_COL32_WHITE, 0, 1.5f);
  }
  draw->PopClipRect();
  draw->AddRect(f.min, f.max, IM_COL32(255, 255, 255, 70));

  // Tick labels.
  for (const Tick& t : x_ticks) {
    if (t.label.empty()) continue;
    const float x = f.to_screen(t.value, f.yr.min).x;
    const float w = ImGui::CalcTextSize(t.label.c_str()).x;
    draw->AddLine({x, f.max.y}, {x, f.max.y + 4}, IM_COL32(255, 255, 255, 90));
    draw->AddText({x - w / 2, f.max.y + 4}, text_color, t.label.c_str());
  }
  for (const Tick& t : y_ticks) {
    if (t.label.empty()) continue;
    const float y = f.to_screen(f.xr.min, t.value).y;
    const float w = ImGui::CalcTextSize(t.label.c_str()).x;
    draw->AddText({f.min.x - w - 0.4f * font, y - font / 2}, text_color, t.label.c_str());
  }
  const ImVec2 xl = ImGui::CalcTextSize(spec.x_label.c_str());
  draw->AddText({(f.min.x + f.max.x - xl.x) / 2, f.max.y + 1.3f * font}, dim_text, spec.x_label.c_str());

  // Legend, top-left inside the frame; a click toggles a series.
  std::vector<const Series*> entries;
  for (const Series& s : spec.series) entries.push_back(&s);
  if (!entries.empty()) {
    const float line_h = font * 1.25f, swatch = font * 1.4f, pad = font * 0.4f;
    float width = 0;
    for (const Series* s : entries) {
      const std::string text = s->legend_note.empty() ? s->label : s->label + "   " + s->legend_note;
      width = std::max(width, ImGui::CalcTextSize(text.c_str()).x);
    }
    const ImVec2 box_size{swatch + width + 3 * pad, entries.size() * line_h + pad};
    using Corner = PlotSpec::LegendCorner;
    const bool right = spec.legend_corner == Corner::kTopRight || spec.legend_corner == Corner::kBottomRight;
    const bool bottom = spec.legend_corner == Corner::kBottomLeft || spec.legend_corner == Corner::kBottomRight;
    const ImVec2 box_min{right ? f.max.x - pad - box_size.x : f.min.x + pad,
                         bottom ? f.max.y - pad - box_size.y : f.min.y + pad};
    const ImVec2 box_max{box_min.x + box_size.x, box_min.y + box_size.y};
    draw->AddRectFilled(box_min, box_max, IM_COL32(15, 16, 20, 215), 4.0f);
    for (size_t i = 0; i < entries.size(); ++i) {
      const Series& s = *entries[i];
      const bool hidden = state.hidden.count(s.label) > 0;
      const ImVec2 row{box_min.x + pad, box_min.y + pad / 2 + i * line_h};
      const ImU32 color = hidden ? IM_COL32(110, 110, 110, 255) : s.color;
      const float mid = row.y + line_h / 2;
      if (s.lines && s.dashed) dashed_line(draw, {row.x, mid}, {row.x + swatch, mid}, color, 2.0f, 0.25f * font);
      else if (s.lines) draw->AddLine({row.x, mid}, {row.x + swatch, mid}, color, 2.0f);
      if (s.markers) draw->AddCircleFilled({row.x + swatch / 2, mid}, 0.22f * font, color);
      const std::string text = s.legend_note.empty() ? s.label : s.label + "   " + s.legend_note;
      draw->AddText({row.x + swatch + pad, row.y + (line_h - font) / 2}, hidden ? dim_text : text_color, text.c_str());
      const bool over = hovered && mouse.x >= box_min.x && mouse.x <= box_max.x && mouse.y >= row.y &&
                        mouse.y < row.y + line_h;
      if (over) {
        best_series = nullptr;  // the legend wins over a point underneath it
        ImGui::SetTooltip("click to %s %s", hidden ? "show" : "hide", s.label.c_str());
        if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
          if (hidden) state.hidden.erase(s.label);
          else state.hidden.insert(s.label);
        }
      }
    }
  }

  if (best_series) {
    ImGui::BeginTooltip();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(best_series->color), "%s", best_series->label.c_str());
    ImGui::Text("%s = %s", spec.x_label.c_str(), format_value(best_series->x[best_index]).c_str());
    ImGui::Text("%s = %s", spec.y_label.c_str(), format_value(best_series->y[best_index]).c_str());
    if (best_index < best_series->notes.size()) ImGui::TextDisabled("%s", best_series->notes[best_index].c_str());
    ImGui::EndTooltip();
  } else if (hovered && mouse.x >= f.min.x && mouse.x <= f.max.x && mouse.y >= f.min.y && mouse.y <= f.max.y) {
    // Cursor readout in data coordinates, top-right inside the frame (legends are rarely there).
    const double mx = from_unit(f.xs, f.xr, (mouse.x - f.min.x) / (f.max.x - f.min.x));
    const double my = from_unit(f.ys, f.yr, (f.max.y - mouse.y) / (f.max.y - f.min.y));
    const std::string readout = format_value(mx) + ", " + format_value(my);
    const ImVec2 rs = ImGui::CalcTextSize(readout.c_str());
    draw->AddText({f.max.x - rs.x - 4, f.min.y + 2}, dim_text, readout.c_str());
  }
  ImGui::PopID();
}

}  // namespace vs::gui::plot
