#include "app/gui/flowar/flowar_gauges_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "app/gui/flowar/flowar_export.h"
#include "app/gui/flowar/flowar_norms.h"
#include "app/gui/panels/zone_gauge.h"
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

double worst_ratio(const std::vector<observe::HeadStats>& stats) {
  double worst = NAN;
  for (const auto& s : stats)
    if (std::isfinite(s.norms.ratio) && !(s.norms.ratio <= worst)) worst = s.norms.ratio;
  return worst;
}

}  // namespace

void FlowArGaugesPanel::draw_table(const char* id, const std::vector<observe::HeadStats>& stats, int head_dim,
                                   float height) {
  const double epsilon = std::pow(10.0, log10_epsilon_);
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_ScrollX | ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable(id, 11, flags, {0, height})) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  const float number_w = ImGui::CalcTextSize("0.000e+00").x;
  for (const char* h : {"layer", "head", "max|Q|", "max|K|", "β", "B_eff", "x", "zone", "degree", "rank r", "L/r"})
    ImGui::TableSetupColumn(h, ImGuiTableColumnFlags_WidthFixed, std::max(ImGui::CalcTextSize(h).x, number_w * 0.6f));
  ImGui::TableHeadersRow();
  for (const observe::HeadStats& s : stats) {
    const attention::HeadNorms& n = s.norms;
    ImGui::TableNextRow();
    const int z = zone_index(n.zone);
    if (z >= 0) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, zone_color(z, 60));
    theory::ThresholdReport report;
    std::string report_error;
    try {
      report = theory::threshold_report(s.keys, head_dim, n.beta, epsilon);
    } catch (const std::exception& e) {
      report_error = e.what();
    }
    ImGui::TableNextColumn();
    // Cross-attention blocks are marked: block b has a self- and a cross-attention row.
    ImGui::Text("%d%s", s.site.block + 1, s.site.kind == observe::AttentionKind::kCross ? " x" : "");
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%s", report_error.empty() ? theory::zone_explanation(n.zone).c_str() : report_error.c_str());
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
}

std::string FlowArGaugesPanel::export_run() {
  message_ = export_flowar_run(*session_, std::pow(10.0, log10_epsilon_));
  return message_;
}

void FlowArGaugesPanel::draw() {
  const flowar::FlowArModel* model = session_->model();
  if (!model) {
    ImGui::TextWrapped("No model is open: open one in the Generation panel.");
    return;
  }
  const int sel = session_->selected();
  if (sel < 0) {
    ImGui::TextWrapped("Generate an image first; the attention norms of each scale appear here as it finishes.");
    return;
  }
  const FlowArFrame& f = session_->frames()[sel];
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.4f);
  ImGui::SliderFloat("log10 ε (target relative error of exp)", &log10_epsilon_, -8.0f, -0.5f, "%.1f");
  if (ImGui::SmallButton("Export CSV + JSON")) export_run();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("every scale's AR and flownet norms (all Euler steps) and timings");
  if (!message_.empty()) ImGui::SameLine(), ImGui::TextDisabled("%s", message_.c_str());
  const float table_h = std::max(120.0f, (ImGui::GetContentRegionAvail().y - ImGui::GetFrameHeight() * 9) / 2);

  const int64_t keys = f.ar_stats.empty() ? 0 : f.ar_stats.front().keys;
  ImGui::TextColored({0.55f, 0.75f, 1.0f, 1.0f}, "AR transformer, scale %d: %d queries, L = %lld keys (scales 1…%d)",
                     sel + 1, f.side * f.side, (long long)keys, sel + 1);
  ImGui::TextDisabled("worst head on the gauge (x = B_eff/√(ln L)):");
  draw_zone_gauge("ar", worst_ratio(f.ar_stats), ImGui::GetFrameHeight() * 0.7f);
  draw_table("ar norms", f.ar_stats, model->config.ar_head_dim(), table_h);

  ImGui::Spacing();
  const int steps = euler_steps_recorded(f);
  euler_step_ = std::clamp(euler_step_, 0, steps);
  const std::vector<observe::HeadStats> flow = flownet_norms(f, euler_step_);
  ImGui::TextColored({0.55f, 0.75f, 1.0f, 1.0f}, "Flownet, scale %d: L = %d tokens, %d Euler steps", sel + 1,
                     f.side * f.side, steps);
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.4f);
  ImGui::SliderInt("Euler step", &euler_step_, 0, std::max(1, steps), euler_step_ == 0 ? "worst over steps" : "step %d");
  draw_zone_gauge("flow", worst_ratio(flow), ImGui::GetFrameHeight() * 0.7f);
  draw_table("flow norms", flow, model->config.flow_head_dim(), table_h);
}

}  // namespace vs::gui
