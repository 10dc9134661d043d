#include "app/gui/flowar/family_switch_panel.h"

#include <imgui.h>

namespace vs::gui {

void FamilySwitchPanel::draw() {
  if (!flowar_->active) return var_->draw();
  if (flowar_panel_) return flowar_panel_->draw();
  ImGui::TextWrapped("This panel works on VAR models; the open model is FlowAR.");
}

void FamilySwitchPanel::update() {
  // Only the shown family works: a VAR panel must not start captures for a model that is
  // not on screen.
  if (flowar_->detecting) return;
  if (!flowar_->active) var_->update();
  else if (flowar_panel_) flowar_panel_->update();
}

bool FamilySwitchPanel::busy() const {
  if (!flowar_->active) return var_->busy();
  return flowar_panel_ && flowar_panel_->busy();
}

void FamilySwitchPanel::load(const Settings& settings) {
  var_->load(settings);
  if (flowar_panel_) flowar_panel_->load(settings);
}

void FamilySwitchPanel::save(Settings& settings) const {
  var_->save(settings);
  if (flowar_panel_) flowar_panel_->save(settings);
}

}  // namespace vs::gui
