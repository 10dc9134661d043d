// The threshold gauge of theory §3: a horizontal bar over x = B_eff/√(ln L) with the three
// zones coloured (I green, II amber, III red; the edges are soft because the theorems name
// no constants) and a marker at the given ratio.
#pragma once
#include <imgui.h>

namespace vs::gui {

// Colours of the zones, shared with the plots that shade them.
ImU32 zone_color(int zone_index, int alpha);  // 0: I, 1: II, 2: III

// Draws the gauge at the cursor, full available width, `height` pixels tall (plus a row
// of labels). ratio may be NaN (no marker) or beyond the bar (an arrow at the end).
void draw_zone_gauge(const char* id, double ratio, float height);

}  // namespace vs::gui
