// PNGs of the current GL framebuffer: what --screenshot and File > Save … write.
#pragma once
#include <string>

namespace vs::gui {

// A rectangle in framebuffer pixels, origin at the top-left (ImGui's convention).
struct PixelRect {
  int x = 0, y = 0, width = 0, height = 0;
};

// Reads `rect` of the back buffer (call after rendering, before swapping) of a framebuffer
// `framebuffer_height` pixels tall, flips it to top-down rows and writes an RGB PNG. The
// rectangle is clipped to the framebuffer. Throws vs::Error naming the path on failure.
void write_framebuffer_png(const std::string& path, PixelRect rect, int framebuffer_width, int framebuffer_height);

}  // namespace vs::gui
