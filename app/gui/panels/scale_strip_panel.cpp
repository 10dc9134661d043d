#include "app/gui/widgets/ui_px.h"
#include "app/gui/panels/scale_strip_panel.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "app/gui/export/export_folder.h"
#include "core/io/image_io.h"

namespace vs::gui {

void ScaleStripPanel::step_by(int delta) {
  const int n = int(session_->frames().size());
  if (n == 0) return;
  session_->selection.scale = std::clamp(session_->selected_scale() + delta, 0, n - 1);
}

std::string ScaleStripPanel::token_text(float value) const {
  char text[48];
  const gen::ModelInfo* info = session_->info();
  if (info && info->codebook_size > 0) std::snprintf(text, sizeof text, "id %d", int(value));
  else std::snprintf(text, sizeof text, "‖z‖ = %.3f", value);
  return text;
}

void ScaleStripPanel::update() {
  const auto& frames = session_->frames();
  if (serial_ != session_->generation_serial() || images_.size() > frames.size()) {
    serial_ = session_->generation_serial();
    images_.clear();
    tokens_.clear();
    if (!keep_selection_) session_->selection.scale = -1;  // follow the new run's latest scale
  }
  if (!frames.empty() && frames.back().scale + 1 == frames.back().num_scales) keep_selection_ = false;
  const gen::ModelInfo* info = session_->info();
  while (images_.size() < frames.size()) {  // textures on the UI thread, as frames arrive
    const ScaleFrame& f = frames[images_.size()];
    auto image = std::make_unique<RgbTexture>();
    if (!f.rgb.empty()) image->set(f.rgb, f.image_side, f.image_side);
    images_.push_back(std::move(image));
    // Ids on the codebook's fixed range (colours compare across scales); magnitudes on the scale's own.
    float hi = info && info->codebook_size > 0 ? float(std::max(1, info->codebook_size - 1)) : 1e-6f;
    if (!(info && info->codebook_size > 0))
      for (float v : f.token_view) hi = std::max(hi, v);
    auto grid = std::make_unique<ColormapImage>();
    grid->set_values(f.token_view, f.side, f.side);
    grid->set_params({Colormap::kViridis, false, 0.0f, hi});
    tokens_.push_back(std::move(grid));
  }
  if (playing_) {  // one scale every 0.6 s, round and round
    const double now = ImGui::GetTime();
    const int n = int(frames.size());
    if (now - last_tick_ > 0.6 && n > 0) last_tick_ = now, session_->selection.scale = (session_->selected_scale() + 1) % n;
  }
}

void ScaleStripPanel::draw_scrubber() {
  const int n = int(session_->frames().size());
  if (ImGui::Button(playing_ ? "Pause (Space)" : "Play (Space)")) toggle_play();
  ImGui::SameLine();
  if (ImGui::ArrowButton("##prev", ImGuiDir_Left)) step_by(-1);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("previous scale (←)");
  ImGui::SameLine();
  if (ImGui::ArrowButton("##next", ImGuiDir_Right)) step_by(1);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("next scale (→)");
  ImGui::SameLine();
  int shown = session_->selected_scale() + 1;
  ImGui::SetNextItemWidth(-1);
  if (ImGui::SliderInt("##scale", &shown, 1, std::max(1, n), n ? "scale %d" : "no scales yet"))
    session_->selection.scale = shown - 1;
}

void ScaleStripPanel::draw() {
  drawn_ = 0;
  const auto& frames = session_->frames();
  if (!session_->info()) {
    ImGui::TextWrapped(session_->loading() ? "loading the model…"
                                           : "No model is open: open one in the Generation panel (or drop a checkpoint on the window).");
    return;
  }
  if (frames.empty()) {
    ImGui::TextWrapped(session_->busy() ? "generating… the first scale appears here as soon as it is done"
                                        : "Press Generate in the Generation panel.");
    return;
  }
  draw_scrubber();
  const int sel = session_->selected_scale();
  const int total = frames.back().num_scales;
  const float avail_w = ImGui::GetContentRegionAvail().x;
  // Cells share the width, and at most a fifth of the height each (picture and grid), so
  // the selected scale below keeps most of the window.
  const float cell = std::clamp(std::min((avail_w - 8.0f * total) / float(std::max(1, total)),
                                         ImGui::GetContentRegionAvail().y * 0.2f),
                                ui_px(24.0f), ui_px(128.0f));
  // The strip: picture over token grid per scale; a click selects the scale.
  ImGui::BeginChild("strip", {0, cell * 2 + ImGui::GetTextLineHeightWithSpacing() * 2 + 16}, false,
                    ImGuiWindowFlags_HorizontalScrollbar);
  for (size_t i = 0; i < frames.size(); ++i) {
    if (i) ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::PushID(int(i));
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    images_[i]->draw({cell, cell});
    if (ImGui::IsItemClicked()) session_->selection.scale = int(i);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("scale %d: %d×%d tokens, %.1f ms", int(i) + 1, frames[i].side, frames[i].side, frames[i].ms);
    if (int(i) == sel)
      ImGui::GetWindowDrawList()->AddRect(p0, {p0.x + cell, p0.y + cell}, IM_COL32(255, 210, 80, 255), 0, 0, 2.5f);
    int hr = -1, hc = -1;
    if (tokens_[i]->draw({cell, cell}, &hr, &hc))
      ImGui::SetTooltip("token (%d, %d): %s", hr, hc, token_text(tokens_[i]->value_at(hr, hc)).c_str());
    ImGui::Text("%d: %d×%d", int(i) + 1, frames[i].side, frames[i].side);
    ImGui::PopID();
    ImGui::EndGroup();
    ++drawn_;
  }
  ImGui::EndChild();
  // The selected scale large, its token grid beside it.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float big = std::max(ui_px(64.0f), std::min(avail.y - ImGui::GetTextLineHeightWithSpacing() * 2, avail.x * 0.6f));
  if (!message_.empty()) ImGui::TextDisabled("%s", message_.c_str());
  ImGui::Text("scale %d of %d (%d×%d tokens)%s", sel + 1, total, frames[sel].side, frames[sel].side,
              sel + 1 == total ? " · final image" : int(frames.size()) < total ? " · more scales to come" : "");
  images_[sel]->draw({big, big});
  if (ImGui::BeginPopupContextItem("image menu")) {
    if (ImGui::MenuItem("Save this scale's image as PNG")) {
      const std::string path = export_path("scale" + std::to_string(sel + 1), "png");
      try {
        io::write_png_rgb8(path, frames[sel].image_side, frames[sel].image_side, frames[sel].rgb);
        message_ = "saved " + path;
      } catch (const std::exception& e) {
        message_ = e.what();
      }
    }
    ImGui::EndPopup();
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("right-click: save as PNG");
  ImGui::SameLine();
  const float small = std::min(big * 0.5f, avail.x - big - 16);
  if (small > 32) {
    int hr = -1, hc = -1;
    if (tokens_[sel]->draw({small, small}, &hr, &hc))
      ImGui::SetTooltip("token (%d, %d): %s", hr, hc, token_text(tokens_[sel]->value_at(hr, hc)).c_str());
  }
}

std::string ScaleStripPanel::report_fields() const {
  return "\"scales_drawn\": " + std::to_string(drawn_) + ", \"selected_scale\": " +
         std::to_string(session_->selected_scale() + 1) + ", \"playing\": " + (playing_ ? "true" : "false");
}

}  // namespace vs::gui
