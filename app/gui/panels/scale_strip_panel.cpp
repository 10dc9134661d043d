#include "app/gui/panels/scale_strip_panel.h"

#include <imgui.h>

#include <algorithm>

#include "app/gui/var/run_export.h"
#include "core/io/image_io.h"

namespace vs::gui {

int ScaleStripPanel::selected() const {
  const int n = int(session_->frames().size());
  if (n == 0) return -1;
  const int s = session_->selection.step;
  return s < 0 || s >= n ? n - 1 : s;
}

void ScaleStripPanel::step_by(int delta) {
  const int n = int(session_->frames().size());
  if (n == 0) return;
  session_->selection.step = std::clamp(selected() + delta, 0, n - 1);
}

void ScaleStripPanel::update() {
  const auto& frames = session_->frames();
  if (serial_ != session_->generation_serial() || images_.size() > frames.size()) {
    serial_ = session_->generation_serial();
    images_.clear();
    tokens_.clear();
    if (!keep_selection_) session_->selection.step = -1;  // follow the new run's latest scale
  }
  if (!frames.empty() && frames.back().scale + 1 == frames.back().num_scales) keep_selection_ = false;
  const var::VarModel* model = session_->model();
  const float vocab = model ? float(std::max(1, model->config().vocab - 1)) : 1.0f;
  while (images_.size() < frames.size()) {  // textures on the UI thread, as frames arrive
    const ScaleFrame& f = frames[images_.size()];
    auto image = std::make_unique<RgbTexture>();
    if (!f.rgb.empty()) image->set(f.rgb, f.image_side, f.image_side);
    images_.push_back(std::move(image));
    std::vector<float> ids(f.ids.begin(), f.ids.end());
    auto grid = std::make_unique<ColormapImage>();
    grid->set_values(std::move(ids), f.side, f.side);
    grid->set_params({Colormap::kViridis, false, 0.0f, vocab});
    tokens_.push_back(std::move(grid));
  }
  if (playing_) {
    const double now = ImGui::GetTime();
    if (now - last_tick_ > 0.6) {
      last_tick_ = now;
      const int n = int(frames.size());
      if (n > 0) session_->selection.step = (selected() + 1) % n;
    }
  }
}

void ScaleStripPanel::draw_scrubber() {
  const int n = int(session_->frames().size());
  if (ImGui::Button(playing_ ? "Pause (Space)" : "Play (Space)")) toggle_play();
  ImGui::SameLine();
  if (ImGui::ArrowButton("##prev", ImGuiDir_Left)) step_by(-1);
  ImGui::SameLine();
  if (ImGui::ArrowButton("##next", ImGuiDir_Right)) step_by(1);
  ImGui::SameLine();
  int shown = selected() + 1;
  ImGui::SetNextItemWidth(-1);
  if (ImGui::SliderInt("##scale", &shown, 1, std::max(1, n), n ? "scale %d" : "no scales yet"))
    session_->selection.step = shown - 1;
}

void ScaleStripPanel::draw() {
  const auto& frames = session_->frames();
  if (!session_->model()) {
    ImGui::TextWrapped("No model is open: open one in the Generation panel (or drop a checkpoint on the window).");
    return;
  }
  if (frames.empty()) {
    ImGui::TextWrapped(session_->generating() || session_->busy() ? "generating… the first scale appears here as soon as it is done"
                                                                 : "Press Generate in the Generation panel.");
    return;
  }
  draw_scrubber();
  const int sel = selected();
  const float avail_w = ImGui::GetContentRegionAvail().x;
  const int total = frames.back().num_scales;
  const float cell = std::clamp((avail_w - 8.0f * total) / float(std::max(1, total)), 24.0f, 128.0f);
  // The strip: image over token grid per scale; click selects the scale.
  ImGui::BeginChild("strip", {0, cell * 2 + ImGui::GetTextLineHeightWithSpacing() * 2 + 16}, false,
                    ImGuiWindowFlags_HorizontalScrollbar);
  for (size_t i = 0; i < frames.size(); ++i) {
    if (i) ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::PushID(int(i));
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    images_[i]->draw({cell, cell});
    if (ImGui::IsItemClicked()) session_->selection.step = int(i);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("scale %d: %d×%d tokens, %.1f ms", int(i) + 1, frames[i].side, frames[i].side, frames[i].ms);
    if (int(i) == sel)
      ImGui::GetWindowDrawList()->AddRect(p0, {p0.x + cell, p0.y + cell}, IM_COL32(255, 210, 80, 255), 0, 0, 2.5f);
    int hr = -1, hc = -1;
    if (tokens_[i]->draw({cell, cell}, &hr, &hc))
      ImGui::SetTooltip("token (%d, %d) = id %d", hr, hc, int(tokens_[i]->value_at(hr, hc)));
    ImGui::Text("%d: %d×%d", int(i) + 1, frames[i].side, frames[i].side);
    ImGui::PopID();
    ImGui::EndGroup();
  }
  ImGui::EndChild();
  // The selected scale large, its token grid beside it.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float big = std::max(64.0f, std::min(avail.y - ImGui::GetTextLineHeightWithSpacing(), avail.x * 0.6f));
  if (!message_.empty()) ImGui::TextDisabled("%s", message_.c_str());
  ImGui::Text("scale %d of %d (%d×%d tokens)%s", sel + 1, total, frames[sel].side, frames[sel].side,
              sel + 1 == total ? " · final image" : int(frames.size()) < total ? " · more scales to come" : "");
  images_[sel]->draw({big, big});
  if (ImGui::BeginPopupContextItem("image menu")) {
    if (ImGui::MenuItem("Save this scale's image as PNG")) {
      const std::string path = export_file_name("scale" + std::to_string(sel + 1), "png");
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
      ImGui::SetTooltip("token (%d, %d) = id %d", hr, hc, int(tokens_[sel]->value_at(hr, hc)));
  }
}

}  // namespace vs::gui
