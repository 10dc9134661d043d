// Fonts with the glyphs the theory text needs (√ ≤ ≥ ≈ ∞ β ε κ ⁴ …): DejaVu Sans from
// fonts-dejavu-core when present, ImGui's built-in font (ASCII only) otherwise. Sizes are
// multiplied by the window's content scale so text is the same physical size on HiDPI.
#pragma once
#include <imgui.h>

namespace vs::gui {

struct Fonts {
  ImFont* regular = nullptr;
  ImFont* heading = nullptr;  // bold, a little larger; == regular without DejaVu
  ImFont* mono = nullptr;     // numbers in tables; == regular without DejaVu
  bool dejavu = false;
};

// Builds the atlas; call after ImGui::CreateContext and before the renderer's first frame.
Fonts load_fonts(float content_scale);
// The fonts loaded last (for panels that want the heading font).
const Fonts& fonts();

}  // namespace vs::gui
