#include "app/gui/panels/norm_gauges_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "app/gui/export/run_export.h"
#include "app/gui/widgets/zone_gauge.h"
#include "app/gui/session/scale_stats.h"
#include "app/gui/widgets/module_title.h"
#include "app/gui/widgets/norm_table.h"
#include "core/io/json.h"
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

void NormGaugesPanel::load(const Settings& s) {
  log10_epsilon_ = float(std::clamp(s.get_double("gauges.log10_epsilon", log10_epsilon_), -8.0, -0.5));
}

void NormGaugesPanel::save(Settings& s) const { s.set_double("gauges.log10_epsilon", log10_epsilon_); }

std::string NormGaugesPanel::export_run() {
  if (!session_->info()) return message_ = "nothing to export: no model is open";
  message_ = gui::export_run(*session_->info(), session_->shown_request(), session_->frames(),
                             std::pow(10.0, log10_epsilon_));
  return message_;
}

void NormGaugesPanel::draw_module(const gen::ModuleInfo& module, const ScaleFrame& frame, double epsilon,
                                  float table_height) {
  const int steps = euler_steps(frame, module.module);
  const int step = steps > 0 && euler_step_ >= steps ? steps - 1 : euler_step_;
  const std::vector<observe::HeadStats> stats = module_stats(frame, module.module, steps > 0 ? step : -1);
  const int64_t keys = stats.empty() ? 0 : stats.front().keys;
  ImGui::TextColored({0.55f, 0.75f, 1.0f, 1.0f}, "%s, scale %d: %d queries, L = %lld keys%s", module_title(module.module),
                     frame.scale + 1, frame.side * frame.side, (long long)keys,
                     steps > 0 ? (", " + std::to_string(steps) + " Euler steps recorded").c_str() : "");
  if (steps > 0) {
    int shown = step + 1;
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.4f);
    if (ImGui::SliderInt(("Euler step##" + std::string(observe::module_name(module.module))).c_str(), &shown, 0, steps,
                         shown == 0 ? "worst over steps" : "step %d"))
      euler_step_ = shown - 1;
  }
  Selection& sel = session_->selection;
  const bool selected_module = sel.module == module.module;
  double ratio = worst_ratio(stats);
  if (selected_module) {
    for (const observe::HeadStats& s : stats)
      if (s.site.block == sel.block && s.head == sel.head && s.site.kind == sel.kind) ratio = s.norms.ratio;
    ImGui::TextDisabled("block %d head %d on the gauge (x = B_eff/√(ln L)):", sel.block + 1, sel.head + 1);
  } else {
    ImGui::TextDisabled("worst head on the gauge (x = B_eff/√(ln L)):");
  }
  const std::string id = observe::module_name(module.module);
  draw_zone_gauge(id.c_str(), ratio, ImGui::GetFrameHeight() * 0.7f);
  NormTableSelection clicked;
  const NormTableSelection highlighted = selected_module ? NormTableSelection{sel.block, sel.head} : NormTableSelection{};
  if (draw_norm_table((id + " norms").c_str(), stats, module.head_dim, epsilon, table_height, highlighted, &clicked)) {
    sel.module = module.module, sel.block = clicked.block, sel.head = clicked.head;
  }
  shown_ += std::string(shown_.empty() ? "" : ", ") + io::json::quote(id) + ": " + std::to_string(stats.size());
}

void NormGaugesPanel::draw() {
  shown_.clear();
  const gen::ModelInfo* info = session_->info();
  if (!info) {
    ImGui::TextWrapped("No model is open: open one in the Generation panel.");
    return;
  }
  const int sel = session_->selected_scale();
  if (sel < 0) {
    ImGui::TextWrapped("Generate an image first; the attention norms of each scale appear here as it finishes.");
    return;
  }
  const ScaleFrame& frame = session_->frames()[size_t(sel)];
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.4f);
  ImGui::SliderFloat("log10 ε (target relative error of exp)", &log10_epsilon_, -8.0f, -0.5f, "%.1f");
  const double epsilon = std::pow(10.0, log10_epsilon_);
  ImGui::Text("scale %d: √(ln L) = %.3f at its largest L", sel + 1,
              theory::log_threshold(std::max<int64_t>(2, frame.stats.empty() ? 2 : frame.stats.back().keys)));
  if (ImGui::SmallButton("Export CSV + JSON")) export_run();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("every scale's norms (all modules and Euler steps) and timings");
  if (!message_.empty()) ImGui::TextWrapped("%s", message_.c_str());
  const int modules = int(info->modules.size());
  const float per_module_controls = ImGui::GetFrameHeight() * 4.5f;
  const float table_h = std::max(100.0f, (ImGui::GetContentRegionAvail().y - per_module_controls * modules) / modules);
  for (const gen::ModuleInfo& module : info->modules) {
    ImGui::Spacing();
    draw_module(module, frame, epsilon, table_h);
  }
}

std::string NormGaugesPanel::report_fields() const { return "\"rows\": {" + shown_ + "}"; }

}  // namespace vs::gui
