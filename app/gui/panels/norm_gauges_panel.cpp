#include "app/gui/panels/norm_gauges_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "app/gui/panels/zone_gauge.h"
#include "app/gui/var/run_export.h"
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

}  // namespace

void NormGaugesPanel::load(const Settings& s) {
  log10_epsilon_ = float(std::clamp(s.get_double("gauges.log10_epsilon", log10_epsilon_), -8.0, -0.5));
}

void NormGaugesPanel::save(Settings& s) const { s.set_double("gauges.log10_epsilon", log10_epsilon_); }

void NormGaugesPanel::draw() {
  if (!session_->model()) {
    ImGui::TextWrapped("No model is open: open one in the Generation panel.");
    return;
  }
  const InspectResult* r = session_->inspection();
  if (!r || !r->error.empty() || r->stats.empty()) {
    ImGui::TextWrapped(session_->frames().empty() ? "Generate an image first; the norms of the selected scale appear here."
                                                   : "measuring the norms of the selected scale…");
    return;
  }
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.4f);
  ImGui::SliderFloat("log10 ε (target relative error of exp)", &log10_epsilon_, -8.0f, -0.5f, "%.1f");
  const double epsilon = std::pow(10.0, log10_epsilon_);
  ImGui::SameLine();
  if (ImGui::Button("Export CSV")) {
    const std::string path = export_file_name("norms", "csv");
    message_ = save_text_file(path, norms_csv(session_->var_path(), session_->frames_params(), *r, epsilon))
                   ? "saved " + path
                   : "cannot write " + path;
  }
  if (!message_.empty()) ImGui::TextDisabled("%s", message_.c_str());
  const VarSelection& sel = session_->selection;
  ImGui::Text("scale %d: %lld queries, L = %lld keys, √(ln L) = %.3f", r->step + 1, (long long)r->queries,
              (long long)r->keys, theory::log_threshold(r->keys));
  // The selected head on the §3 gauge.
  for (const observe::HeadStats& s : r->stats)
    if (s.site.block == sel.layer && s.head == sel.head) {
      ImGui::TextDisabled("layer %d head %d on the threshold gauge (x = B_eff/√(ln L)):", sel.layer + 1, sel.head + 1);
      draw_zone_gauge("selected", s.norms.ratio, ImGui::GetFrameHeight() * 0.8f);
    }
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY | ImGuiTableFlags_ScrollX |
                                ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable("norms", 11, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  // Widths from the widest of header and a typical number: ImGui 1.86 sizes fixed-fit
  // columns by their cells only, which would clip the headers.
  const float number_w = ImGui::CalcTextSize("0.000e+00").x;
  for (const char* h : {"layer", "head", "max|Q|", "max|K|", "β", "B_eff", "x", "zone", "degree", "rank r", "L/r"})
    ImGui::TableSetupColumn(h, ImGuiTableColumnFlags_WidthFixed,
                            std::max(ImGui::CalcTextSize(h).x, std::string(h) == "rank r" || std::string(h) == "L/r" ? number_w : std::string(h).size() > 2 ? number_w * 0.7f : number_w * 0.45f));
  ImGui::TableHeadersRow();
  for (const observe::HeadStats& s : r->stats) {
    const attention::HeadNorms& n = s.norms;
    ImGui::TableNextRow();
    const int z = zone_index(n.zone);
    if (z >= 0) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, zone_color(z, 60));
    if (s.site.block == sel.layer && s.head == sel.head)
      ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, IM_COL32(255, 210, 80, 50));
    theory::ThresholdReport report;
    std::string report_error;
    try {
      report = theory::threshold_report(s.keys, r->head_dim, n.beta, epsilon);
    } catch (const std::exception& e) {
      report_error = e.what();
    }
    ImGui::TableNextColumn();
    ImGui::PushID(int(s.site.block * 1000 + s.head));
    char label[16];
    std::snprintf(label, sizeof label, "%d", s.site.block + 1);
    if (ImGui::Selectable(label, false, ImGuiSelectableFlags_SpanAllColumns)) {
      session_->selection.layer = s.site.block;
      session_->selection.head = s.head;
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
    ImGui::TableNextColumn();
    if (report_error.empty() && cost.degree >= 0) ImGui::Text("%d", cost.degree);
    else ImGui::TextDisabled("–");
    ImGui::TableNextColumn();
    if (report_error.empty() && cost.degree >= 0) ImGui::Text("%.3g", cost.rank);
    else ImGui::TextDisabled("–");
    ImGui::TableNextColumn();
    if (report_error.empty() && cost.degree >= 0)
      ImGui::TextColored(cost.speedup > 1 ? ImVec4(0.5f, 0.9f, 0.5f, 1) : ImVec4(1, 0.5f, 0.45f, 1), "%.3g×", cost.speedup);
    else ImGui::TextDisabled("–");
  }
  ImGui::EndTable();
}

}  // namespace vs::gui
