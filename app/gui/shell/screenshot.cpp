#include "app/gui/shell/screenshot.h"

#include <epoxy/gl.h>

#include <algorithm>
#include <vector>

#include "core/error.h"
#include "core/io/image_io.h"

namespace vs::gui {

void write_framebuffer_png(const std::string& path, PixelRect rect, int framebuffer_width, int framebuffer_height) {
  const int x0 = std::clamp(rect.x, 0, framebuffer_width), y0 = std::clamp(rect.y, 0, framebuffer_height);
  const int x1 = std::clamp(rect.x + rect.width, 0, framebuffer_width);
  const int y1 = std::clamp(rect.y + rect.height, 0, framebuffer_height);
  const int width = x1 - x0, height = y1 - y0;
  if (width <= 0 || height <= 0)
    throw Error(path + ": nothing to write, the region is outside the " + std::to_string(framebuffer_width) + "x" +
                std::to_string(framebuffer_height) + " framebuffer");
  std::vector<unsigned char> pixels(size_t(width) * height * 3);  // (height, width, 3), GL's bottom-up rows
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(x0, framebuffer_height - y1, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  const size_t row = size_t(width) * 3;
  std::vector<unsigned char> flipped(pixels.size());
  for (int y = 0; y < height; ++y)
    std::copy_n(&pixels[size_t(height - 1 - y) * row], row, &flipped[size_t(y) * row]);
  io::write_png_rgb8(path, width, height, flipped);  // every write checked, temporary + rename
}

}  // namespace vs::gui
