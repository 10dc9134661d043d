#include "app/gui/widgets/gl/rgb_texture.h"

#include <epoxy/gl.h>

namespace vs::gui {

RgbTexture::~RgbTexture() {
  if (texture_) glDeleteTextures(1, &texture_);
}

void RgbTexture::set(const std::vector<uint8_t>& rgb, int width, int height) {
  if (!texture_) glGenTextures(1, &texture_);
  glBindTexture(GL_TEXTURE_2D, texture_);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);  // rows of 3·width bytes are not 4-aligned
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB8, width, height, 0, GL_RGB, GL_UNSIGNED_BYTE, rgb.data());
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  width_ = width, height_ = height;
}

void RgbTexture::draw(ImVec2 size) const {
  if (texture_) ImGui::Image(id(), size);
}

}  // namespace vs::gui
