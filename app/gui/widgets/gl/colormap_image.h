// A float matrix shown through a colormap shader (shaders/colormap.frag): the values live
// in an R32F texture, a render pass into an RGBA8 texture applies the normalisation
// (linear or log10 between value_min and value_max) and viridis/magma/diverging, and ImGui::Image
// draws the result with nearest-neighbour sampling. Made for matrices like attention
// probabilities (queries × keys) and error maps. GL objects: create and destroy with the
// context current (the UI thread).
#pragma once
#include <imgui.h>

#include <vector>

namespace vs::gui {

// kDiverging: blue below the middle of the range, white at it, red above (for signed
// values on a range symmetric about zero).
enum class Colormap { kViridis = 0, kMagma = 1, kDiverging = 2 };

struct ColormapParams {
  Colormap colormap = Colormap::kViridis;
  bool log_scale = false;
  float value_min = 0, value_max = 1;
};

class ColormapImage {
 public:
  ColormapImage() = default;
  ~ColormapImage();
  ColormapImage(const ColormapImage&) = delete;
  ColormapImage& operator=(const ColormapImage&) = delete;

  // values: (rows, cols), row-major; row 0 is drawn at the top.
  void set_values(std::vector<float> values, int rows, int cols);
  void set_params(const ColormapParams& params);
  const ColormapParams& params() const { return params_; }
  int rows() const { return rows_; }
  int cols() const { return cols_; }
  float value_at(int row, int col) const { return values_[size_t(row) * cols_ + col]; }

  // Draws the image into `size` pixels at the cursor; returns true while hovered and sets
  // (row, col) of the cell under the mouse. Compiles the shader on first use.
  bool draw(ImVec2 size, int* hover_row, int* hover_col);
  // Draws into a draw list between p0 and p1 with a tint (alpha < 255 overlays it on what
  // is below, e.g. attention over an image); no item, no hover.
  void draw_overlay(ImDrawList* draw, ImVec2 p0, ImVec2 p1, ImU32 tint);

 private:
  void render_if_dirty();

  std::vector<float> values_;
  int rows_ = 0, cols_ = 0;
  ColormapParams params_;
  bool dirty_ = true, values_dirty_ = true;
  unsigned program_ = 0, vao_ = 0, value_texture_ = 0, color_texture_ = 0, framebuffer_ = 0;
};

}  // namespace vs::gui
