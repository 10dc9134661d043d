#include "app/gui/widgets/attention_pair_view.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

namespace vs::gui {

namespace {

std::vector<float> ramp(float lo, float hi) {
  std::vector<float> values(256);
  for (int i = 0; i < 256; ++i) values[size_t(i)] = lo + (hi - lo) * float(i) / 255.0f;
  return values;
}

}  // namespace

void AttentionPairView::set(const AttentionPair& pair) {
  const int rows = int(pair.queries), cols = int(pair.keys);
  float hi = 0;
  for (float p : pair.exact) hi = std::max(hi, p);
  for (float p : pair.approx) hi = std::max(hi, p);
  probability_max_ = std::max(hi, 1e-6f);
  // An all-zero difference (exact against itself) still gets a visible, honest scale.
  difference_max_ = std::max(float(pair.max_abs_difference), 1e-6f);
  exact_.set_values(pair.exact, rows, cols);
  approx_.set_values(pair.approx, rows, cols);
  difference_.set_values(pair.difference, rows, cols);
  const ColormapParams probability{Colormap::kViridis, false, 0.0f, probability_max_};
  const ColormapParams difference{Colormap::kDiverging, false, -difference_max_, difference_max_};
  exact_.set_params(probability), approx_.set_params(probability), difference_.set_params(difference);
  probability_legend_.set_values(ramp(0, probability_max_), 1, 256);
  probability_legend_.set_params(probability);
  difference_legend_.set_values(ramp(-difference_max_, difference_max_), 1, 256);
  difference_legend_.set_params(difference);
  approx_spec_ = pair.approx_spec;
}

void AttentionPairView::draw_legend(ColormapImage& legend, float lo, float hi, float width, bool signed_ticks) {
  int r, c;
  legend.draw({width, ImGui::GetFrameHeight() * 0.6f}, &r, &c);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  for (int i = 0; i < 3; ++i) {
    const float t = float(i) / 2;
    const double value = lo + (hi - lo) * t;
    char label[32];
    std::snprintf(label, sizeof label, signed_ticks && i != 1 ? "%+.2g" : "%.2g", i == 1 && signed_ticks ? 0.0 : value);
    const float w = ImGui::CalcTextSize(label).x;
    const float x = std::clamp(p.x + t * width - w / 2, p.x, p.x + width - w);
    draw->AddText({x, p.y}, ImGui::GetColorU32(ImGuiCol_Text), label);
  }
  ImGui::Dummy({width, ImGui::GetTextLineHeightWithSpacing()});
}

void AttentionPairView::draw() {
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float width = std::max(40.0f, (avail.x - 2 * spacing) / 3);
  // Rows are queries, columns keys; a wide map keeps its aspect until it gets too flat to read.
  const float legend_h = ImGui::GetFrameHeight() * 0.6f + 3 * ImGui::GetTextLineHeightWithSpacing();
  const float aspect = float(exact_.rows()) / float(std::max(1, exact_.cols()));
  const float height = std::clamp(width * aspect, 4 * ImGui::GetTextLineHeight(), std::max(40.0f, avail.y - legend_h));
  struct Column {
    const char* title;
    ColormapImage* image;
  };
  const Column columns[3] = {{"exact softmax", &exact_}, {"approximate", &approx_}, {"approx. − exact", &difference_}};
  int hover_row = -1, hover_col = -1;
  for (int i = 0; i < 3; ++i) {
    if (i > 0) ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::TextUnformatted(columns[i].title);
    if (i == 1 && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", approx_spec_.c_str());
    int r, c;
    if (columns[i].image->draw({width, height}, &r, &c)) hover_row = r, hover_col = c;
    if (i < 2) draw_legend(probability_legend_, 0, probability_max_, width, false);
    else draw_legend(difference_legend_, -difference_max_, difference_max_, width, true);
    ImGui::EndGroup();
  }
  if (hover_row >= 0 && hover_col >= 0)
    ImGui::SetTooltip("query %d, key %d\nexact p = %.6g\napproximate p = %.6g\ndifference = %+.3g", hover_row,
                      hover_col, exact_.value_at(hover_row, hover_col), approx_.value_at(hover_row, hover_col),
                      difference_.value_at(hover_row, hover_col));
}

}  // namespace vs::gui
