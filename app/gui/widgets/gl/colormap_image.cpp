#include "app/gui/widgets/gl/colormap_image.h"

#include <epoxy/gl.h>

#include <string>

#include "core/error.h"
#include "shader_sources.h"

namespace vs::gui {

namespace {

GLuint compile(GLenum kind, const char* source, const char* name) {
  const GLuint shader = glCreateShader(kind);
  glShaderSource(shader, 1, &source, nullptr);
  glCompileShader(shader);
  GLint ok = 0;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[1024] = {};
    glGetShaderInfoLog(shader, sizeof log, nullptr, log);
    glDeleteShader(shader);
    throw Error(std::string("shaders/") + name + ": compile failed: " + log);
  }
  return shader;
}

GLuint link_colormap_program() {
  const GLuint vert = compile(GL_VERTEX_SHADER, shaders::kFullscreenVert, "fullscreen.vert");
  const GLuint frag = compile(GL_FRAGMENT_SHADER, shaders::kColormapFrag, "colormap.frag");
  const GLuint program = glCreateProgram();
  glAttachShader(program, vert);
  glAttachShader(program, frag);
  glLinkProgram(program);
  glDeleteShader(vert);
  glDeleteShader(frag);
  GLint ok = 0;
  glGetProgramiv(program, GL_LINK_STATUS, &ok);
  if (!ok) {
    char log[1024] = {};
    glGetProgramInfoLog(program, sizeof log, nullptr, log);
    glDeleteProgram(program);
    throw Error(std::string("colormap shader: link failed: ") + log);
  }
  return program;
}

void set_nearest(GLuint texture) {
  glBindTexture(GL_TEXTURE_2D, texture);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
}

}  // namespace

ColormapImage::~ColormapImage() {
  if (framebuffer_) glDeleteFramebuffers(1, &framebuffer_);
  if (color_texture_) glDeleteTextures(1, &color_texture_);
  if (value_texture_) glDeleteTextures(1, &value_texture_);
  if (vao_) glDeleteVertexArrays(1, &vao_);
  if (program_) glDeleteProgram(program_);
}

void ColormapImage::set_values(std::vector<float> values, int rows, int cols) {
  if (rows < 1 || cols < 1 || values.size() != size_t(rows) * cols)
    throw Error("colormap image: " + std::to_string(values.size()) + " values for a " + std::to_string(rows) +
                "x" + std::to_string(cols) + " matrix");
  values_ = std::move(values);
  rows_ = rows, cols_ = cols;
  dirty_ = values_dirty_ = true;
}

void ColormapImage::set_params(const ColormapParams& params) {
  const bool same = params.colormap == params_.colormap && params.log_scale == params_.log_scale &&
                    params.value_min == params_.value_min && params.value_max == params_.value_max;
  params_ = params;
  dirty_ |= !same;
}

void ColormapImage::render_if_dirty() {
  if (!dirty_ || values_.empty()) return;
  if (!program_) {
    program_ = link_colormap_program();
    glGenVertexArrays(1, &vao_);
    glGenTextures(1, &value_texture_);
    glGenTextures(1, &color_texture_);
    glGenFramebuffers(1, &framebuffer_);
  }
  if (values_dirty_) {
    set_nearest(value_texture_);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, cols_, rows_, 0, GL_RED, GL_FLOAT, values_.data());
    set_nearest(color_texture_);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, cols_, rows_, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    glBindFramebuffer(GL_FRAMEBUFFER, framebuffer_);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, color_texture_, 0);
    values_dirty_ = false;
  }
  // The pass runs while ImGui builds its frame; ImGui's renderer sets all the state it
  // needs when it draws, so only the framebuffer binding and viewport need restoring.
  GLint viewport[4];
  glGetIntegerv(GL_VIEWPORT, viewport);
  glBindFramebuffer(GL_FRAMEBUFFER, framebuffer_);
  glViewport(0, 0, cols_, rows_);
  glDisable(GL_BLEND);
  glDisable(GL_SCISSOR_TEST);
  glUseProgram(program_);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, value_texture_);
  glUniform1i(glGetUniformLocation(program_, "values"), 0);
  glUniform1f(glGetUniformLocation(program_, "value_min"), params_.value_min);
  glUniform1f(glGetUniformLocation(program_, "value_max"), params_.value_max);
  glUniform1i(glGetUniformLocation(program_, "log_scale"), params_.log_scale ? 1 : 0);
  glUniform1i(glGetUniformLocation(program_, "colormap"), int(params_.colormap));
  glBindVertexArray(vao_);
  glDrawArrays(GL_TRIANGLES, 0, 3);
  glBindVertexArray(0);
  glUseProgram(0);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  glViewport(viewport[0], viewport[1], viewport[2], viewport[3]);
  dirty_ = false;
}

bool ColormapImage::draw(ImVec2 size, int* hover_row, int* hover_col) {
  render_if_dirty();
  if (!color_texture_) {
    ImGui::Dummy(size);
    return false;
  }
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(color_texture_)), size);
  if (!ImGui::IsItemHovered()) return false;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const int col = int((mouse.x - origin.x) / size.x * cols_), row = int((mouse.y - origin.y) / size.y * rows_);
  if (row < 0 || row >= rows_ || col < 0 || col >= cols_) return false;
  if (hover_row) *hover_row = row;
  if (hover_col) *hover_col = col;
  return true;
}

void ColormapImage::draw_overlay(ImDrawList* draw, ImVec2 p0, ImVec2 p1, ImU32 tint) {
  render_if_dirty();
  if (color_texture_)
    draw->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(color_texture_)), p0, p1, {0, 0}, {1, 1}, tint);
}

}  // namespace vs::gui
