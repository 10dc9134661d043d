#include "app/gui/flowar/flowar_strip_panel.h"

#include <imgui.h>

#include <algorithm>

namespace vs::gui {

void FlowArStripPanel::step_by(int delta) {
  const int n = int(session_->frames().size());
  if (n == 0) return;
  session_->selected_scale = std::clamp(session_->selected() + delta, 0, n - 1);
}

void FlowArStripPanel::update() {
  const auto& frames = session_->frames();
  if (serial_ != session_->generation_serial() || images_.size() > frames.size()) {
    serial_ = session_->generation_serial();
    images_.clear(), tokens_.clear();
    session_->selected_scale = -1;  // follow the new run's latest scale
  }
  while (images_.size() < frames.size()) {  // textures on the UI thread, as frames arrive
    const FlowArFrame& f = frames[images_.size()];
    auto image = std::make_unique<RgbTexture>();
    if (!f.rgb.empty()) image->set(f.rgb, f.image_side, f.image_side);
    images_.push_back(std::move(image));
    auto grid = std::make_unique<ColormapImage>();
    const float hi = f.token_norms.empty() ? 1.0f : *std::max_element(f.token_norms.begin(), f.token_norms.end());
    grid->set_values(f.token_norms, f.side, f.side);
    grid->set_params({Colormap::kViridis, false, 0.0f, std::max(hi, 1e-6f)});
    tokens_.push_back(std::move(grid));
  }
  if (playing_) {  // one scale every 0.6 s, round and round (as the VAR strip)
    const double now = ImGui::GetTime();
    const int n = int(frames.size());
    if (now - last_tick_ > 0.6 && n > 0) last_tick_ = now, session_->selected_scale = (session_->selected() + 1) % n;
  }
}

void FlowArStripPanel::draw_scrubber() {
  const int n = int(session_->frames().size());
  if (ImGui::Button(playing_ ? "Pause (Space)" : "Play (Space)")) toggle_play();
  ImGui::SameLine();
  if (ImGui::ArrowButton("##prev", ImGuiDir_Left)) step_by(-1);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("previous scale (←)");
  ImGui::SameLine();
  if (ImGui::ArrowButton("##next", ImGuiDir_Right)) step_by(1);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("next scale (→)");
  ImGui::SameLine();
  int shown = session_->selected() + 1;
  ImGui::SetNextItemWidth(-1);
  if (ImGui::SliderInt("##scale", &shown, 1, std::max(1, n), "scale %d")) session_->selected_scale = shown - 1;
}

void FlowArStripPanel::draw() {
  const auto& frames = session_->frames();
  const flowar::FlowArModel* model = session_->model();
  if (!model) {
    ImGui::TextWrapped(session_->loading() ? "loading the FlowAR model…" : "No model is open: open one in the Generation panel.");
    return;
  }
  if (frames.empty()) {
    ImGui::TextWrapped(session_->busy() ? "generating… the first scale appears here as soon as it is done"
                                        : "Press Generate in the Generation panel.");
    return;
  }
  const int total = model->config.num_scales();
  draw_scrubber();
  const int sel = session_->selected();
  const float avail_w = ImGui::GetContentRegionAvail().x;
  const float cell = std::clamp((avail_w - 8.0f * total) / float(std::max(1, total)), 24.0f, 128.0f);
  ImGui::BeginChild("strip", {0, cell * 2 + ImGui::GetTextLineHeightWithSpacing() * 2 + 16}, false,
                    ImGuiWindowFlags_HorizontalScrollbar);
  for (size_t i = 0; i < frames.size(); ++i) {
    if (i) ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::PushID(int(i));
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    images_[i]->draw({cell, cell});
    if (ImGui::IsItemClicked()) session_->selected_scale = int(i);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("scale %d: %d×%d tokens, %.1f ms", int(i) + 1, frames[i].side, frames[i].side, frames[i].ms);
    if (int(i) == sel)
      ImGui::GetWindowDrawList()->AddRect(p0, {p0.x + cell, p0.y + cell}, IM_COL32(255, 210, 80, 255), 0, 0, 2.5f);
    int hr = -1, hc = -1;
    if (tokens_[i]->draw({cell, cell}, &hr, &hc))
      ImGui::SetTooltip("token (%d, %d): ‖z‖ = %.3f", hr, hc, tokens_[i]->value_at(hr, hc));
    ImGui::Text("%d: %d×%d", int(i) + 1, frames[i].side, frames[i].side);
    ImGui::PopID();
    ImGui::EndGroup();
  }
  ImGui::EndChild();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float big = std::max(64.0f, std::min(avail.y - ImGui::GetTextLineHeightWithSpacing(), avail.x * 0.6f));
  ImGui::Text("scale %d of %d (%d×%d tokens)%s", sel + 1, total, frames[sel].side, frames[sel].side,
              sel + 1 == total ? " · final image" : int(frames.size()) < total ? " · more scales to come" : "");
  images_[sel]->draw({big, big});
  ImGui::SameLine();
  const float small = std::min(big * 0.5f, avail.x - big - 16);
  if (small > 32) {
    int hr = -1, hc = -1;
    if (tokens_[sel]->draw({small, small}, &hr, &hc))
      ImGui::SetTooltip("token (%d, %d): ‖z‖ = %.3f", hr, hc, tokens_[sel]->value_at(hr, hc));
  }
}

}  // namespace vs::gui
