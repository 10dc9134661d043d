#include "app/gui/panels/compare_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "app/gui/panels/compare_export.h"
#include "app/gui/var/image_compare.h"

namespace vs::gui {

ComparePanel::ComparePanel(std::shared_ptr<VarSession> session, std::function<void()> wake, std::string auto_spec)
    : session_(std::move(session)), auto_spec_(std::move(auto_spec)), job_(std::move(wake)) {
  variant_.family = 1;  // poly: the method of the theory panels
}

void ComparePanel::start(const std::string& spec) {
  std::shared_ptr<const var::VarModel> model = session_->shared_model();  // kept alive by the job
  if (!model) return;
  GenerationParams params = session_->frames_params();
  params.variant = spec;
  spec_ = spec;
  error_.clear();
  export_message_.clear();
  frames_.clear();
  shown_ = -1;
  serial_ = session_->generation_serial();
  was_running_ = true;
  job_.start([model, params](BackgroundJob<ScaleFrame>::Context& context) {
    run_generation(*model, params, {}, -1, context);
  });
}

void ComparePanel::export_errors() {
  export_message_ = export_compare_errors(var_compare_run(session_->var_path(), session_->frames_params(), spec_),
                                          var_compare_rows(session_->frames(), frames_));
}

void ComparePanel::update() {
  if (serial_ != session_->generation_serial() && (job_.running() || !frames_.empty())) {
    job_.stop();  // a new generation or model: the comparison is stale
    frames_.clear();
    was_running_ = false;
    shown_ = -1;
  }
  const bool finished = was_running_ && !job_.running();
  for (ScaleFrame& f : job_.take()) frames_.push_back(std::move(f));
  if (finished) was_running_ = false, error_ = job_.error();
  const auto& ref = session_->frames();
  const bool ref_complete = !ref.empty() && ref.back().scale + 1 == ref.back().num_scales && !session_->busy();
  if (!auto_spec_.empty() && ref_complete && !job_.running()) {
    start(auto_spec_);
    auto_spec_.clear();
  }
  // Nothing to compare with (no model, or a run that ended without a full image): give up
  // the automatic comparison instead of keeping the app busy.
  if (!session_->busy() && !ref_complete) auto_spec_.clear();
}

void ComparePanel::draw() {
  const auto& ref = session_->frames();
  const bool ref_complete = !ref.empty() && ref.back().scale + 1 == ref.back().num_scales;
  variant_.draw("approximation");
  const bool can = session_->model() && ref_complete && !session_->generating() && !job_.running();
  if (!can) ImGui::BeginDisabled();
  if (ImGui::Button("Regenerate the same seed with it")) start(variant_.spec());
  if (!can) ImGui::EndDisabled();
  if (!ref_complete) {
    ImGui::TextWrapped("Generate a full image first (Generation panel); it is the reference (%s).",
                       session_->frames_params().variant.c_str());
    return;
  }
  if (!error_.empty()) {
    ImGui::TextColored({1, 0.45f, 0.4f, 1}, "%s", error_.c_str());
    return;
  }
  if (frames_.empty()) {
    ImGui::TextDisabled(job_.running() ? "generating with %s…" : "press the button to compare", spec_.c_str());
    return;
  }
  const int scale = int(frames_.size()) - 1;  // the latest scale both runs have
  if (shown_ != scale) {
    shown_ = scale;
    images_.set(ref[scale].rgb, frames_[scale].rgb, ref[scale].image_side);
  }
  images_.draw(session_->frames_params().variant.c_str(), spec_.c_str());
  ImGui::BeginDisabled(job_.running());  // export whole runs only
  if (ImGui::SmallButton("Export errors CSV + JSON")) export_errors();
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("the table below with the run's parameters, in the working directory");
  if (!export_message_.empty()) ImGui::SameLine(), ImGui::TextDisabled("%s", export_message_.c_str());
  if (ImGui::BeginTable("errors", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("scale");
    ImGui::TableSetupColumn("image ‖Δ‖/‖ref‖");
    ImGui::TableSetupColumn("same tokens");
    ImGui::TableHeadersRow();
    for (size_t s = 0; s < frames_.size() && s < ref.size(); ++s) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("%d (%d×%d)", int(s) + 1, ref[s].side, ref[s].side);
      ImGui::TableNextColumn();
      ImGui::Text("%.4f", relative_l2_error(ref[s].rgb, frames_[s].rgb));
      ImGui::TableNextColumn();
      ImGui::Text("%.1f %%", 100.0 * token_agreement(ref[s].ids, frames_[s].ids));
    }
    ImGui::EndTable();
  }
}

}  // namespace vs::gui
