#include "app/gui/panels/flowar_compare_panel.h"

#include <imgui.h>

#include <algorithm>

#include "app/gui/panels/compare_export.h"
#include "app/gui/var/image_compare.h"

namespace vs::gui {

FlowArComparePanel::FlowArComparePanel(std::shared_ptr<FlowArSession> session, std::function<void()> wake,
                                       std::string auto_spec)
    : session_(std::move(session)), auto_spec_(std::move(auto_spec)), job_(std::move(wake)) {
  variant_.family = 1;  // poly: the method of the theory panels
}

bool FlowArComparePanel::reference_complete() const {
  const auto& ref = session_->frames();
  return !ref.empty() && ref.back().scale + 1 == ref.back().num_scales && !session_->generating();
}

void FlowArComparePanel::start(const std::string& spec) {
  const std::shared_ptr<const LoadedFlowAr> loaded = session_->shared_loaded();
  if (!loaded) return;
  params_ = session_->frames_params();
  spec_ = spec;
  error_.clear();
  export_message_.clear();
  frames_.clear();
  shown_ = -1;
  serial_ = session_->generation_serial();
  was_running_ = true;
  const FlowArParams params = params_;
  job_.start([loaded, params, spec](BackgroundJob<FlowArCompareFrame>::Context& context) {
    run_flowar_comparison(*loaded, params, spec, context);
  });
}

void FlowArComparePanel::export_errors() {
  export_message_ = export_compare_errors(flowar_compare_run(session_->model_path(), params_, spec_),
                                          flowar_compare_rows(frames_));
}

void FlowArComparePanel::update() {
  if (serial_ != session_->generation_serial() && (job_.running() || !frames_.empty())) {
    job_.stop();  // a new generation or model: the comparison is stale
    frames_.clear();
    was_running_ = false;
    shown_ = -1;
  }
  const bool finished = was_running_ && !job_.running();
  for (FlowArCompareFrame& f : job_.take()) frames_.push_back(std::move(f));
  if (finished) was_running_ = false, error_ = job_.error();
  const bool ref_complete = reference_complete();
  if (!auto_spec_.empty() && ref_complete && !session_->busy() && !job_.running()) {
    start(auto_spec_);
    auto_spec_.clear();
  }
  // Nothing to compare with (no model, or a run that ended without a full image): give up
  // the automatic comparison instead of keeping the app busy.
  if (!session_->busy() && !ref_complete) auto_spec_.clear();
}

void FlowArComparePanel::draw() {
  const bool ref_complete = reference_complete();
  variant_.draw("approximation");
  const bool can = session_->model() && ref_complete && !job_.running();
  if (!can) ImGui::BeginDisabled();
  if (ImGui::Button("Regenerate the same seed with it")) start(variant_.spec());
  if (!can) ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("Samples the FlowAR image again with this variant in the AR transformer and the flownet\n"
                      "(and once more with the reference's, for its latent tokens).");
  if (!ref_complete) {
    ImGui::TextWrapped("Generate a full FlowAR image first (Generation panel); it is the reference (%s).",
                       session_->frames_params().variant.c_str());
    return;
  }
  if (!error_.empty()) {
    ImGui::TextColored({1, 0.45f, 0.4f, 1}, "%s", error_.c_str());
    return;
  }
  if (frames_.empty()) {
    ImGui::TextDisabled(job_.running() ? "sampling the reference and %s…" : "press the button to compare", spec_.c_str());
    return;
  }
  const int scale = int(frames_.size()) - 1;  // the latest scale both runs have
  const FlowArCompareFrame& f = frames_[scale];
  if (shown_ != scale) {
    shown_ = scale;
    images_.set(f.reference_rgb, f.approx_rgb, f.image_side);
  }
  images_.draw(params_.variant.c_str(), spec_.c_str());
  ImGui::TextDisabled("class %s · seed %llu · cfg %.2f · %d Euler steps", session_->class_label(params_.class_id).c_str(),
                      (unsigned long long)params_.seed, params_.cfg, params_.steps);
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
    ImGui::TableSetupColumn("latent tokens ‖Δ‖/‖ref‖");
    ImGui::TableHeadersRow();
    for (const FlowArCompareFrame& s : frames_) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("%d (%d×%d)", s.scale + 1, s.side, s.side);
      ImGui::TableNextColumn();
      ImGui::Text("%.4f", relative_l2_error(s.reference_rgb, s.approx_rgb));
      ImGui::TableNextColumn();
      ImGui::Text("%.4f", s.token_error);
    }
    ImGui::EndTable();
  }
}

}  // namespace vs::gui
