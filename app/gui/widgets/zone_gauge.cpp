#include "app/gui/widgets/zone_gauge.h"

#include <cmath>
#include <cstdio>

#include "core/theory/threshold.h"

namespace vs::gui {

namespace {
constexpr double kGaugeMax = 2.0;  // the bar shows x in [0, 2]: twice the hard edge
}

ImU32 zone_color(int zone_index, int alpha) {
  switch (zone_index) {
    case 0: return IM_COL32(46, 160, 90, alpha);
    case 1: return IM_COL32(214, 160, 40, alpha);
    default: return IM_COL32(200, 60, 60, alpha);
  }
}

void draw_zone_gauge(const char* id, double ratio, float height) {
  namespace th = vs::theory;
  ImGui::PushID(id);
  const float font = ImGui::GetFontSize();
  const float width = ImGui::GetContentRegionAvail().x;
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##gauge", {width, height + 1.4f * font});
  ImDrawList* draw = ImGui::GetWindowDrawList();
  auto x_at = [&](double x) { return p0.x + float(x / kGaugeMax) * width; };
  const double edges[] = {0.0, th::kZoneFastBelow, th::kZoneHardFrom, kGaugeMax};
  // Soft edges: each zone fades into the next over ±0.08 in x.
  const float fade = float(0.08 / kGaugeMax) * width;
  for (int z = 0; z < 3; ++z) {
    const float a = x_at(edges[z]) + (z > 0 ? fade : 0), b = x_at(edges[z + 1]) - (z < 2 ? fade : 0);
    draw->AddRectFilled({a, p0.y}, {b, p0.y + height}, zone_color(z, 230));
    if (z < 2)
      draw->AddRectFilledMultiColor({b, p0.y}, {b + 2 * fade, p0.y + height}, zone_color(z, 230),
                                    zone_color(z + 1, 230), zone_color(z + 1, 230), zone_color(z, 230));
  }
  // Zone names, shortened to their numerals where the zone is too narrow for the words.
  const char* names[] = {"I  provably fast", "II  grey band", "III  SETH-hard"};
  const char* numerals[] = {"I", "II", "III"};
  for (int z = 0; z < 3; ++z) {
    const float mid = (x_at(edges[z]) + x_at(edges[z + 1])) / 2, room = x_at(edges[z + 1]) - x_at(edges[z]) - 2 * fade;
    const char* name = ImGui::CalcTextSize(names[z]).x <= room ? names[z] : numerals[z];
    const ImVec2 ts = ImGui::CalcTextSize(name);
    draw->AddText({mid - ts.x / 2, p0.y + (height - ts.y) / 2}, IM_COL32(255, 255, 255, 235), name);
  }
  // Ticks every 0.25, labelled exactly ("1.25", not "1.2"); every 0.5 when labels would collide.
  const double label_step = ImGui::CalcTextSize("1.25 ").x * 9 <= width ? 0.25 : 0.5;
  for (double x = 0; x <= kGaugeMax + 1e-9; x += 0.25) {
    const float px = x_at(x);
    draw->AddLine({px, p0.y + height}, {px, p0.y + height + 4}, IM_COL32(200, 200, 200, 160));
    if (std::fmod(x + 1e-9, label_step) > 1e-6) continue;
    char label[16];
    std::snprintf(label, sizeof label, "%g", x);
    const float w = ImGui::CalcTextSize(label).x;
    draw->AddText({std::fmin(std::fmax(px - w / 2, p0.x), p0.x + width - w), p0.y + height + 4},
                  ImGui::GetColorU32(ImGuiCol_TextDisabled), label);
  }
  if (std::isfinite(ratio)) {
    const bool beyond = ratio > kGaugeMax;
    const float px = x_at(std::fmin(ratio, kGaugeMax));
    const float t = 0.35f * font;
    if (beyond) {
      draw->AddTriangleFilled({px, p0.y + height / 2}, {px - 2 * t, p0.y + height / 2 - 1.5f * t},
                              {px - 2 * t, p0.y + height / 2 + 1.5f * t}, IM_COL32_WHITE);
    } else {
      draw->AddLine({px, p0.y - 2}, {px, p0.y + height + 2}, IM_COL32_WHITE, 3.0f);
      draw->AddTriangleFilled({px - t, p0.y - t - 2}, {px + t, p0.y - t - 2}, {px, p0.y - 1}, IM_COL32_WHITE);
    }
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("x = B_eff/√(ln L) with B_eff = √β (theory §3). The zone edges %.2g and %.2g are a display\n"
                      "choice: the theorems are asymptotic (o(·), Θ(·)) and name no constants.",
                      th::kZoneFastBelow, th::kZoneHardFrom);
  ImGui::PopID();
}

}  // namespace vs::gui
