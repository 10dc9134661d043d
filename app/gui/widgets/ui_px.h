// Pixel sizes written for the default 15 px font, scaled with the font: on a 2× display (or
// --ui-scale 2) thumbnails, legends and minimum widths grow with the text beside them.
#pragma once
#include <imgui.h>

namespace vs::gui {

inline float ui_px(float px) { return px * ImGui::GetFontSize() / 15.0f; }

}  // namespace vs::gui
