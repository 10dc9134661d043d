// An RGB8 image in a GL texture sampled nearest-neighbour, so a 1×1 or 8×8 image drawn
// large shows its pixels as blocks (the coarse scales of VAR). UI thread only.
#pragma once
#include <imgui.h>

#include <cstdint>
#include <vector>

namespace vs::gui {

class RgbTexture {
 public:
  RgbTexture() = default;
  ~RgbTexture();
  RgbTexture(const RgbTexture&) = delete;
  RgbTexture& operator=(const RgbTexture&) = delete;

  // rgb: width·height·3 bytes, rows top to bottom.
  void set(const std::vector<uint8_t>& rgb, int width, int height);
  bool empty() const { return texture_ == 0; }
  int width() const { return width_; }
  int height() const { return height_; }
  ImTextureID id() const { return (ImTextureID)(intptr_t)texture_; }
  // ImGui::Image of the texture at `size`.
  void draw(ImVec2 size) const;

 private:
  unsigned texture_ = 0;
  int width_ = 0, height_ = 0;
};

}  // namespace vs::gui
