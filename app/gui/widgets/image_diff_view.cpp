#include "app/gui/widgets/image_diff_view.h"

#include <imgui.h>

#include <algorithm>

#include "app/gui/session/image_compare.h"

namespace vs::gui {

void ImageDiffView::set(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b, int side) {
  a_.set(a, side, side);
  b_.set(b, side, side);
  std::vector<float> diff = abs_difference_map(a, b);
  const float hi = diff.empty() ? 1.0f : std::max(1e-3f, *std::max_element(diff.begin(), diff.end()));
  diff_.set_values(std::move(diff), side, side);
  diff_.set_params({Colormap::kMagma, false, 0.0f, hi});
}

void ImageDiffView::draw(const char* label_a, const char* label_b) {
  const float side = std::min(ImGui::GetContentRegionAvail().x / 3 - 8, ImGui::GetContentRegionAvail().y * 0.55f);
  ImGui::BeginGroup();
  ImGui::Text("%s", label_a);
  a_.draw({side, side});
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::Text("%s", label_b);
  b_.draw({side, side});
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::Text("|difference| (max %.2f)", diff_.params().value_max);
  int r, c;
  if (diff_.draw({side, side}, &r, &c)) ImGui::SetTooltip("pixel (%d, %d): mean |Δ| = %.3f", r, c, diff_.value_at(r, c));
  ImGui::EndGroup();
}

}  // namespace vs::gui
