#include "app/gui/panels/norm_gauges_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "app/gui/panels/zone_gauge.h"
#include "app/gui/var/run_export.h"
#include "app/gui/widgets/norm_table.h"
#include "core/theory/threshold.h"

namespace vs::gui {


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
  NormTableSelection clicked;
  if (draw_norm_table("norms", r->stats, r->head_dim, epsilon, 0, {sel.layer, sel.head}, &clicked)) {
    session_->selection.layer = clicked.block;
    session_->selection.head = clicked.head;
  }
}

}  // namespace vs::gui
