// Where the explorer's windows go by default, in pixels of the work area below the menu bar
// and above the status bar, for any window size: the generation controls on the left and
// the norms on the right at widths readable at 1024 px yet not wasteful at 2560 px; the
// scales (strip | your image) over the inspector (attention | exact vs approximate) in
// the middle; the theory workspace as calculator left, scaling over phase right. Panels
// that share a place are tabs of one window. No ImGui here: tested without a window.
#pragma once
#include <string>

namespace vs::gui {

struct LayoutRect {
  float x = 0, y = 0, w = 0, h = 0;
  float right() const { return x + w; }
  float bottom() const { return y + h; }
};

// The places: "generation", "scales", "inspector", "gauges", "theory", "scaling", "phase".
// An unknown place gets the middle of the area. `scale` is the content scale (fonts and
// widgets grow with it, so do the minimum widths).
LayoutRect default_place_rect(const std::string& place, float area_w, float area_h, float scale = 1.0f);

// A window moved or sized for another area size: the same place relative to the new one.
LayoutRect rescale_rect(const LayoutRect& rect, float old_w, float old_h, float new_w, float new_h);

}  // namespace vs::gui
