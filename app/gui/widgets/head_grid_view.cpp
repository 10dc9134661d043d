#include "app/gui/widgets/head_grid_view.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

namespace vs::gui {

void HeadGridView::set(const std::shared_ptr<const HeadGrid>& grid, Colormap colormap, bool log_scale, bool per_layer) {
  const int look = int(colormap) * 4 + log_scale * 2 + per_layer;
  if (grid == grid_ && look == look_) return;
  grid_ = grid, look_ = look;
  if (!grid_ || !grid_->complete()) return;
  GridAtlas atlas = grid_atlas(*grid_, log_scale, per_layer);
  layout_ = {atlas.rows, atlas.cols, atlas.cell_rows, atlas.cell_cols, {}};
  atlas_.set_values(std::move(atlas.values), layout_.rows, layout_.cols);
  atlas_.set_params({colormap, false, 0.0f, 1.0f});  // the atlas is normalised already
}

bool HeadGridView::draw(float width, float max_height, int selected_layer, int selected_head, int* clicked_layer,
                        int* clicked_head) {
  if (!grid_ || !grid_->complete()) return false;
  const float label_w = ImGui::CalcTextSize("L00 ").x;
  const float cell = std::clamp(std::min((width - label_w) / float(grid_->heads), max_height / float(grid_->layers)),
                                6.0f, 40.0f);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float line_h = ImGui::GetTextLineHeight();
  for (int layer = 0; layer < grid_->layers; ++layer) {
    if (cell < line_h * 0.8f && layer % 4 != 0) continue;  // small cells: label every 4th layer
    char label[16];
    std::snprintf(label, sizeof label, "L%d", layer + 1);
    draw->AddText({origin.x, origin.y + layer * cell + (cell - line_h) / 2}, ImGui::GetColorU32(ImGuiCol_TextDisabled), label);
  }
  ImGui::SetCursorScreenPos({origin.x + label_w, origin.y});
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const ImVec2 size{cell * grid_->heads, cell * grid_->layers};
  int row = -1, col = -1;
  const bool hovered = atlas_.draw(size, &row, &col);
  // Cell borders, so neighbouring heads do not run together.
  const ImU32 border = IM_COL32(20, 22, 26, 255);
  for (int h = 1; h < grid_->heads; ++h) draw->AddLine({p0.x + h * cell, p0.y}, {p0.x + h * cell, p0.y + size.y}, border);
  for (int l = 1; l < grid_->layers; ++l) draw->AddLine({p0.x, p0.y + l * cell}, {p0.x + size.x, p0.y + l * cell}, border);
  if (selected_layer >= 0 && selected_layer < grid_->layers && selected_head >= 0 && selected_head < grid_->heads)
    draw->AddRect({p0.x + selected_head * cell, p0.y + selected_layer * cell},
                  {p0.x + (selected_head + 1) * cell, p0.y + (selected_layer + 1) * cell}, IM_COL32(255, 210, 80, 255), 0, 0, 2);
  if (!hovered || row < 0 || col < 0 || layout_.cell_rows <= 0 || layout_.cell_cols <= 0) return false;
  const int layer = std::min(row / layout_.cell_rows, grid_->layers - 1);
  const int head = std::min(col / layout_.cell_cols, grid_->heads - 1);
  ImGui::SetTooltip("layer %d head %d (click to inspect)\n%lld queries × %lld keys shown as %d × %d block means",
                    layer + 1, head + 1, (long long)grid_->queries, (long long)grid_->keys, layout_.cell_rows,
                    layout_.cell_cols);
  if (!ImGui::IsItemClicked()) return false;
  *clicked_layer = layer, *clicked_head = head;
  return true;
}

}  // namespace vs::gui
