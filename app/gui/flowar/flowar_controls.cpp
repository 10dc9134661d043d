#include "app/gui/flowar/flowar_controls.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "app/gui/flowar/flowar_export.h"
#include "app/gui/var/run_export.h"

namespace vs::gui {

namespace {

void heading(const char* text) {
  ImGui::Spacing();
  ImGui::TextColored({0.55f, 0.75f, 1.0f, 1.0f}, "%s", text);
  ImGui::Separator();
}

}  // namespace

void FlowArControls::load(const Settings& s) {
  class_id_ = std::max(0, s.get_int("flowar.class", class_id_));
  seed_ = (unsigned long long)std::max(0, s.get_int("flowar.seed", int(seed_)));
  steps_ = std::clamp(s.get_int("flowar.steps", steps_), 2, 200);
  cfg_ = float(s.get_double("flowar.cfg", cfg_));
  guidance_ = float(s.get_double("flowar.guidance", guidance_));
  variant_.load(s, "flowar.variant");
}

void FlowArControls::save(Settings& s) const {
  s.set_int("flowar.class", class_id_);
  s.set_int("flowar.seed", int(seed_ & 0x7fffffff));
  s.set_int("flowar.steps", steps_);
  s.set_double("flowar.cfg", cfg_);
  s.set_double("flowar.guidance", guidance_);
  variant_.save(s, "flowar.variant");
}

void FlowArControls::set_class_seed(int class_id, int seed) {
  if (class_id >= 0) class_id_ = class_id;
  if (seed >= 0) seed_ = (unsigned long long)seed;
}

FlowArParams FlowArControls::params() const {
  FlowArParams p;
  p.class_id = class_id_;
  if (const flowar::FlowArModel* m = session_->model())
    p.class_id = std::clamp(class_id_, 0, std::max(0, m->config.num_classes - 1));
  p.seed = seed_;
  p.steps = steps_;
  p.cfg = cfg_;
  p.guidance = guidance_;
  p.variant = variant_.spec();
  return p;
}

void FlowArControls::draw() {
  const flowar::FlowArModel* m = session_->model();
  heading("Sampling (FlowAR)");
  const int classes = m->config.num_classes;
  class_id_ = std::clamp(class_id_, 0, std::max(0, classes - 1));
  if (classes <= 64) {
    if (ImGui::BeginCombo("class", session_->class_label(class_id_).c_str())) {
      for (int c = 0; c < classes; ++c)
        if (ImGui::Selectable(session_->class_label(c).c_str(), c == class_id_)) class_id_ = c;
      ImGui::EndCombo();
    }
  } else {
    ImGui::InputInt("class", &class_id_);
    class_id_ = std::clamp(class_id_, 0, classes - 1);
    ImGui::SameLine();
    ImGui::TextDisabled("%s", session_->class_label(class_id_).c_str());
  }
  ImGui::SetNextItemWidth(ImGui::CalcItemWidth() - ImGui::GetFrameHeight() * 2);
  ImGui::InputScalar("##seed", ImGuiDataType_U64, &seed_);
  ImGui::SameLine();
  if (ImGui::Button("dice")) seed_ = std::random_device{}() % 1000000;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("a random seed");
  ImGui::SameLine();
  ImGui::TextUnformatted("seed");
  ImGui::SliderInt("Euler steps", &steps_, 2, 100);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("50: uniform grid; other n: FlowAR's two-piece grid");
  ImGui::SliderFloat("cfg", &cfg_, 1.0f, 10.0f, "%.2f");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("guidance at the last scale, ramped linearly from 1 at the first");
  ImGui::SliderFloat("guidance", &guidance_, 0.0f, 1.0f, "t ≤ %.2f");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Euler steps with t ≤ this are guided (t = 1 is noise)");
  variant_.draw("attention");

  const bool running = session_->generating();
  if (running) ImGui::BeginDisabled();
  if (ImGui::Button("Generate  (Ctrl+G)")) session_->generate(params());
  if (running) ImGui::EndDisabled();
  ImGui::SameLine();
  if (!running) ImGui::BeginDisabled();
  if (ImGui::Button("Cancel")) session_->cancel();
  if (!running) ImGui::EndDisabled();
  heading("Progress");
  draw_progress();
}

void FlowArControls::draw_progress() {
  const auto& frames = session_->frames();
  const int total = session_->model()->config.num_scales();
  const int done = int(frames.size());
  double sum = 0;
  for (const FlowArFrame& f : frames) sum += f.ms;
  char overlay[96];
  std::snprintf(overlay, sizeof overlay, "%d / %d scales · %.0f ms%s", done, total, sum,
                session_->generating() ? " · running" : session_->generation_cancelled() ? " · stopped" : "");
  ImGui::ProgressBar(total ? float(done) / total : 0.0f, {-1, 0}, overlay);
  if (session_->generating()) {
    const int steps = session_->progress_steps(), step = session_->progress_step();
    std::snprintf(overlay, sizeof overlay, "scale %d: Euler step %d / %d", session_->progress_scale() + 1, step, steps);
    ImGui::ProgressBar(steps ? float(step) / steps : 0.0f, {-1, 0}, overlay);
  }
  if (!session_->generation_error().empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 110, 100, 255));
    ImGui::TextWrapped("Generation failed: %s", session_->generation_error().c_str());
    ImGui::PopStyleColor();
  }
  if (frames.empty()) return;
  if (ImGui::SmallButton("Export timings CSV")) {
    const std::string path = export_file_name("flowar-timings", "csv");
    const std::string csv = flowar_timings_csv(session_->model_path(), session_->frames_params(), frames);
    export_message_ = save_text_file(path, csv) ? "saved " + path : "cannot write " + path;
  }
  if (!export_message_.empty()) ImGui::SameLine(), ImGui::TextDisabled("%s", export_message_.c_str());
  if (ImGui::BeginTable("flowar timings", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchSame)) {
    ImGui::TableSetupColumn("scale");
    ImGui::TableSetupColumn("side");
    ImGui::TableSetupColumn("ms");
    ImGui::TableHeadersRow();
    for (const FlowArFrame& f : frames) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("%d", f.scale + 1);
      ImGui::TableNextColumn();
      ImGui::Text("%d×%d", f.side, f.side);
      ImGui::TableNextColumn();
      ImGui::Text("%.1f", f.ms);
    }
    ImGui::EndTable();
  }
}

}  // namespace vs::gui
