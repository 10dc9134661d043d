// FlowAR's sampling extras (flowar.md §7): Euler steps per scale and the guidance window.
#include <imgui.h>

#include <algorithm>

#include "app/gui/panels/family_controls/family_controls.h"

namespace vs::gui {

void draw_extra(gen::FlowArExtra& extra, const gen::ModelInfo&) {
  ImGui::SliderInt("Euler steps", &extra.steps, 2, 100);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("per scale; 50: uniform grid, other n: FlowAR's two-piece grid");
  float guidance = float(extra.guidance);
  if (ImGui::SliderFloat("guidance", &guidance, 0.0f, 1.0f, "t ≤ %.2f")) extra.guidance = guidance;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Euler steps with t ≤ this are guided (t = 1 is noise)");
}

void load_extra(gen::FlowArExtra& extra, const Settings& s) {
  extra.steps = std::clamp(s.get_int("generation.flowar.steps", extra.steps), 2, 200);
  extra.guidance = std::clamp(s.get_double("generation.flowar.guidance", extra.guidance), 0.0, 1.0);
}

void save_extra(const gen::FlowArExtra& extra, Settings& s) {
  s.set_int("generation.flowar.steps", extra.steps);
  s.set_double("generation.flowar.guidance", extra.guidance);
}

}  // namespace vs::gui
