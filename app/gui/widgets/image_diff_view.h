// Two images of one class and seed side by side with their |difference| map (magma, up to
// its maximum, exact value on hover): what both families' exact-vs-approximate panels show.
#pragma once
#include <cstdint>
#include <vector>

#include "app/gui/widgets/gl/colormap_image.h"
#include "app/gui/widgets/gl/rgb_texture.h"

namespace vs::gui {

class ImageDiffView {
 public:
  // side × side RGB8 images; call on the UI thread (uploads textures).
  void set(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b, int side);
  // The three pictures in a row, each captioned; `a` is the reference.
  void draw(const char* label_a, const char* label_b);

 private:
  RgbTexture a_, b_;
  ColormapImage diff_;
};

}  // namespace vs::gui
