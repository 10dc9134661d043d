#include "app/gui/widgets/norm_table.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <tuple>

#include "app/gui/widgets/zone_gauge.h"
#include "core/theory/threshold.h"

namespace vs::gui {

namespace {

int zone_index(theory::Zone zone) {
  switch (zone) {
    case theory::Zone::kProvablyFast: return 0;
    case theory::Zone::kGreyBand: return 1;
    case theory::Zone::kSethHard: return 2;
    default: return -1;
  }
}

// threshold_report searches for the least degree numerically (milliseconds a head); the
// table redraws every frame with up to blocks × heads rows, so reports are kept by their
// inputs (UI thread only) — recomputing them took most of a core while a d16 generated.
struct CachedReport {
  theory::ThresholdReport report;
  std::string error;
};
const CachedReport& cached_report(int64_t keys, int head_dim, double beta, double epsilon) {
  static std::map<std::tuple<int64_t, int, double, double>, CachedReport> cache;
  const auto key = std::make_tuple(keys, head_dim, beta, epsilon);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  if (cache.size() > 20000) cache.clear();  // bounded: a long session sees many runs
  CachedReport entry;
  try {
    entry.report = theory::threshold_report(keys, head_dim, beta, epsilon);
  } catch (const std::exception& e) {
    entry.error = e.what();
  }
  return cache.emplace(key, std::move(entry)).first->second;
}

}  // namespace

bool draw_norm_table(const char* id, const std::vector<observe::HeadStats>& stats, int head_dim, double epsilon,
                     float height, const NormTableSelection& selected, NormTableSelection* clicked) {
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_ScrollX | ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable(id, 11, flags, {0, height})) return false;
  ImGui::TableSetupScrollFreeze(0, 1);
  // Widths from the widest of header and a typical number: ImGui 1.86 sizes fixed-fit
  // columns by their cells only, which would clip the headers.
  const float number_w = ImGui::CalcTextSize("0.000e+00").x;
  for (const char* h : {"block", "head", "max|Q|", "max|K|", "β", "B_eff", "x", "zone", "degree", "rank r", "L/r"})
    ImGui::TableSetupColumn(h, ImGuiTableColumnFlags_WidthFixed, std::max(ImGui::CalcTextSize(h).x, number_w * 0.6f));
  ImGui::TableHeadersRow();
  bool any_clicked = false;
  // Only the rows on screen are laid out (a d16 has 256 heads a scale).
  ImGuiListClipper clipper;
  clipper.Begin(int(stats.size()));
  while (clipper.Step())
  for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
    const observe::HeadStats& s = stats[size_t(row)];
    const attention::HeadNorms& n = s.norms;
    ImGui::TableNextRow();
    const int z = zone_index(n.zone);
    if (z >= 0) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, zone_color(z, 60));
    if (s.site.block == selected.block && s.head == selected.head)
      ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, IM_COL32(255, 210, 80, 50));
    const CachedReport& cached = cached_report(s.keys, head_dim, n.beta, epsilon);
    const theory::ThresholdReport& report = cached.report;
    const std::string& report_error = cached.error;
    ImGui::TableNextColumn();
    const bool cross = s.site.kind == observe::AttentionKind::kCross;
    ImGui::PushID(int(s.site.block * 2000 + s.head * 2 + cross));
    // Cross-attention rows are marked: a Block_v2 block has a self- and a cross-attention row.
    char label[24];
    std::snprintf(label, sizeof label, "%d%s", s.site.block + 1, cross ? " x" : "");
    if (ImGui::Selectable(label, false, ImGuiSelectableFlags_SpanAllColumns) && clicked) {
      *clicked = {s.site.block, s.head};
      any_clicked = true;
    }
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%s", report_error.empty() ? theory::zone_explanation(n.zone).c_str() : report_error.c_str());
    ImGui::PopID();
    ImGui::TableNextColumn();
    ImGui::Text("%d", s.head + 1);
    ImGui::TableNextColumn();
    ImGui::Text("%.3g", n.max_abs_q);
    ImGui::TableNextColumn();
    ImGui::Text("%.3g", n.max_abs_k);
    ImGui::TableNextColumn();
    ImGui::Text("%.3g", n.beta);
    ImGui::TableNextColumn();
    ImGui::Text("%.3g", n.b_eff);
    ImGui::TableNextColumn();
    ImGui::Text("%.2f", n.ratio);
    ImGui::TableNextColumn();
    if (z >= 0) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(zone_color(z, 255)), "%s", z == 0 ? "I" : z == 1 ? "II" : "III");
    else ImGui::TextDisabled("–");
    const theory::PolynomialCost& cost = report.chebyshev;
    const bool has = report_error.empty() && cost.degree >= 0;
    ImGui::TableNextColumn();
    if (has) ImGui::Text("%d", cost.degree);
    else ImGui::TextDisabled("–");
    ImGui::TableNextColumn();
    if (has) ImGui::Text("%.3g", cost.rank);
    else ImGui::TextDisabled("–");
    ImGui::TableNextColumn();
    if (has) ImGui::TextColored(cost.speedup > 1 ? ImVec4(0.5f, 0.9f, 0.5f, 1) : ImVec4(1, 0.5f, 0.45f, 1), "%.3g×", cost.speedup);
    else ImGui::TextDisabled("–");
  }
  ImGui::EndTable();
  return any_clicked;
}

}  // namespace vs::gui
