#include "app/gui/shell/layout.h"

#include <algorithm>

namespace vs::gui {

namespace {

// Side column width: a share of the area, kept between a readable minimum and a maximum
// beyond which the columns would only add empty space.
float column(float area_w, float share, float min_w, float max_w) {
  return std::clamp(area_w * share, std::min(min_w, area_w * 0.4f), std::max(min_w, max_w));
}

}  // namespace

LayoutRect default_place_rect(const std::string& place, float W, float H, float scale) {
  const float left = column(W, 0.24f, 310 * scale, 460 * scale);
  const float right = column(W, 0.27f, 290 * scale, 620 * scale);
  const float mid = std::max(0.0f, W - left - right);
  const float top = H * 0.54f;
  if (place == "generation") return {0, 0, left, H};
  if (place == "scales") return {left, 0, mid, top};
  if (place == "inspector") return {left, top, mid, H - top};
  if (place == "gauges") return {left + mid, 0, right, H};
  const float theory = column(W, 0.37f, 360 * scale, 900 * scale);
  if (place == "theory") return {0, 0, theory, H};
  if (place == "scaling") return {theory, 0, W - theory, H * 0.6f};
  if (place == "phase") return {theory, H * 0.6f, W - theory, H * 0.4f};
  return {W * 0.25f, H * 0.25f, W * 0.5f, H * 0.5f};
}

LayoutRect rescale_rect(const LayoutRect& r, float old_w, float old_h, float new_w, float new_h) {
  if (old_w <= 0 || old_h <= 0) return r;
  const float sx = new_w / old_w, sy = new_h / old_h;
  LayoutRect out{r.x * sx, r.y * sy, r.w * sx, r.h * sy};
  // Never outside the new area.
  out.w = std::min(out.w, new_w), out.h = std::min(out.h, new_h);
  out.x = std::clamp(out.x, 0.0f, new_w - out.w), out.y = std::clamp(out.y, 0.0f, new_h - out.h);
  return out;
}

}  // namespace vs::gui
