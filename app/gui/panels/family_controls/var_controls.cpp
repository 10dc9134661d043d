// VAR's sampling extras (var.md §4): top-k, top-p and the Gumbel "more smooth" embedding.
#include <imgui.h>

#include <algorithm>

#include "app/gui/panels/family_controls/family_controls.h"

namespace vs::gui {

void draw_extra(gen::VarExtra& extra, const gen::ModelInfo& info) {
  ImGui::SliderInt("top-k", &extra.top_k, 0, std::max(1, info.codebook_size));
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("sample among the k likeliest tokens; 0: all");
  float top_p = float(extra.top_p);
  if (ImGui::SliderFloat("top-p", &top_p, 0.0f, 1.0f, "%.2f")) extra.top_p = top_p;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("sample within the smallest set of tokens holding this probability; 0: off");
  ImGui::Checkbox("more smooth (Gumbel)", &extra.more_smooth);
}

void load_extra(gen::VarExtra& extra, const Settings& s) {
  extra.top_k = std::max(0, s.get_int("generation.var.top_k", extra.top_k));
  extra.top_p = std::clamp(s.get_double("generation.var.top_p", extra.top_p), 0.0, 1.0);
  extra.more_smooth = s.get_bool("generation.var.more_smooth", extra.more_smooth);
}

void save_extra(const gen::VarExtra& extra, Settings& s) {
  s.set_int("generation.var.top_k", extra.top_k);
  s.set_double("generation.var.top_p", extra.top_p);
  s.set_bool("generation.var.more_smooth", extra.more_smooth);
}

}  // namespace vs::gui
