#include "app/gui/flowar/flowar_gauges_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "app/gui/flowar/flowar_export.h"
#include "app/gui/flowar/flowar_norms.h"
#include "app/gui/panels/zone_gauge.h"
#include "app/gui/widgets/norm_table.h"
#include "core/theory/threshold.h"

namespace vs::gui {

namespace {

double worst_ratio(const std::vector<observe::HeadStats>& stats) {
  double worst = NAN;
  for (const auto& s : stats)
    if (std::isfinite(s.norms.ratio) && !(s.norms.ratio <= worst)) worst = s.norms.ratio;
  return worst;
}

}  // namespace

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
  const double epsilon = std::pow(10.0, log10_epsilon_);
  if (ImGui::SmallButton("Export CSV + JSON")) export_run();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("every scale's AR and flownet norms (all Euler steps) and timings");
  if (!message_.empty()) ImGui::SameLine(), ImGui::TextDisabled("%s", message_.c_str());
  const float table_h = std::max(120.0f, (ImGui::GetContentRegionAvail().y - ImGui::GetFrameHeight() * 9) / 2);

  const int64_t keys = f.ar_stats.empty() ? 0 : f.ar_stats.front().keys;
  ImGui::TextColored({0.55f, 0.75f, 1.0f, 1.0f}, "AR transformer, scale %d: %d queries, L = %lld keys (scales 1…%d)",
                     sel + 1, f.side * f.side, (long long)keys, sel + 1);
  ImGui::TextDisabled("worst head on the gauge (x = B_eff/√(ln L)):");
  draw_zone_gauge("ar", worst_ratio(f.ar_stats), ImGui::GetFrameHeight() * 0.7f);
  draw_norm_table("ar norms", f.ar_stats, model->config.ar_head_dim(), epsilon, table_h);

  ImGui::Spacing();
  const int steps = euler_steps_recorded(f);
  euler_step_ = std::clamp(euler_step_, 0, steps);
  const std::vector<observe::HeadStats> flow = flownet_norms(f, euler_step_);
  ImGui::TextColored({0.55f, 0.75f, 1.0f, 1.0f}, "Flownet, scale %d: L = %d tokens, %d Euler steps", sel + 1,
                     f.side * f.side, steps);
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.4f);
  ImGui::SliderInt("Euler step", &euler_step_, 0, std::max(1, steps), euler_step_ == 0 ? "worst over steps" : "step %d");
  draw_zone_gauge("flow", worst_ratio(flow), ImGui::GetFrameHeight() * 0.7f);
  draw_norm_table("flow norms", flow, model->config.flow_head_dim(), epsilon, table_h);
}

}  // namespace vs::gui
