#include "app/cli/heat_map.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/io/image_io.h"

namespace vs::cli {
namespace {

// Our colormap: piecewise-linear through five colours sampled from matplotlib's viridis
// (dark purple → blue → teal → green → yellow), perceptually ordered and readable in grey.
void colormap(float t, uint8_t rgb[3]) {
  static const float anchors[5][3] = {
      {68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
  t = std::isnan(t) ? 0.0f : std::clamp(t, 0.0f, 1.0f) * 4.0f;
  const int i = std::min(3, static_cast<int>(t));
  const float f = t - i;
  for (int c = 0; c < 3; ++c)
    rgb[c] = static_cast<uint8_t>(std::lround(anchors[i][c] + f * (anchors[i + 1][c] - anchors[i][c])));
}

}  // namespace

void write_heat_map(const std::string& path, const float* probs, int64_t rows, int64_t cols) {
  float max_p = 0;
  for (int64_t i = 0; i < rows * cols; ++i) max_p = std::max(max_p, probs[i]);
  const double top = std::log10(std::max(max_p, 1e-30f)), span = 4.0;
  const int64_t cell = std::max<int64_t>(1, std::min<int64_t>(256 / std::max(rows, cols), 32));
  const int width = static_cast<int>(cols * cell), height = static_cast<int>(rows * cell);
  std::vector<uint8_t> rgb(static_cast<size_t>(width) * height * 3);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const float p = probs[(y / cell) * cols + x / cell];
      const float t = p > 0 ? static_cast<float>((std::log10(p) - (top - span)) / span) : 0.0f;
      colormap(t, &rgb[(static_cast<size_t>(y) * width + x) * 3]);
    }
  io::write_png_rgb8(path, width, height, rgb);
}

}  // namespace vs::cli
