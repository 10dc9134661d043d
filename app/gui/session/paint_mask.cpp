#include "app/gui/session/paint_mask.h"

#include <algorithm>
#include <cmath>

#include "core/edit/edit_mask.h"
#include "core/io/image_io.h"
#include "core/tensor.h"

namespace vs::gui {

const char* edit_task_name(EditTask task) {
  switch (task) {
    case EditTask::kInpaint: return "in-painting";
    case EditTask::kOutpaint: return "out-painting";
    case EditTask::kClassEdit: return "class edit";
  }
  return "?";
}

void PaintMask::reset(int side) {
  side_ = std::max(0, side);
  painted_.assign(size_t(side_) * side_, 0);
  ++serial_;
}

bool PaintMask::empty() const { return painted_pixels() == 0; }

int PaintMask::painted_pixels() const { return int(std::count(painted_.begin(), painted_.end(), uint8_t(1))); }

void PaintMask::brush(float x, float y, float radius, bool paint) {
  if (side_ == 0) return;
  const float r = std::max(radius, 0.5f);
  const int y0 = std::max(0, int(std::floor(y - r))), y1 = std::min(side_ - 1, int(std::ceil(y + r)));
  const int x0 = std::max(0, int(std::floor(x - r))), x1 = std::min(side_ - 1, int(std::ceil(x + r)));
  for (int py = y0; py <= y1; ++py)
    for (int px = x0; px <= x1; ++px) {
      const float dx = px + 0.5f - x, dy = py + 0.5f - y;
      if (dx * dx + dy * dy <= r * r) painted_[size_t(py) * side_ + px] = paint ? 1 : 0;
    }
  ++serial_;
}

void PaintMask::box(int x0, int y0, int x1, int y1, bool paint) {
  if (side_ == 0) return;
  if (x0 > x1) std::swap(x0, x1);
  if (y0 > y1) std::swap(y0, y1);
  x0 = std::max(0, x0), y0 = std::max(0, y0), x1 = std::min(side_ - 1, x1), y1 = std::min(side_ - 1, y1);
  for (int y = y0; y <= y1; ++y)
    for (int x = x0; x <= x1; ++x) painted_[size_t(y) * side_ + x] = paint ? 1 : 0;
  ++serial_;
}

void PaintMask::token(int scale_side, int row, int col, bool paint) {
  if (side_ == 0 || scale_side < 1 || row < 0 || col < 0 || row >= scale_side || col >= scale_side) return;
  // The pixels whose centres fall in the token's cell.
  auto first = [&](int i) { return int(std::ceil(double(i) * side_ / scale_side - 0.5)); };
  box(first(col), first(row), first(col + 1) - 1, first(row + 1) - 1, paint);
}

void PaintMask::box_fraction(double y0, double x0, double y1, double x1, bool paint) {
  auto px = [&](double f) { return int(std::lround(std::clamp(f, 0.0, 1.0) * side_)); };
  if (px(x1) > px(x0) && px(y1) > px(y0)) box(px(x0), px(y0), px(x1) - 1, px(y1) - 1, paint);
}

void PaintMask::invert() {
  for (uint8_t& v : painted_) v = v ? 0 : 1;
  ++serial_;
}

void PaintMask::set_from_picture(const std::vector<float>& picture_chw) {
  const size_t n = size_t(side_) * side_;
  if (picture_chw.size() != 3 * n) return;
  for (size_t t = 0; t < n; ++t)
    painted_[t] = (picture_chw[t] + picture_chw[n + t] + picture_chw[2 * n + t]) / 3.0f >= 0.0f ? 1 : 0;
  ++serial_;
}

std::vector<float> PaintMask::keep_mask(int last_side, EditTask task) const {
  Tensor picture({1, 3, side_, side_});
  const size_t n = size_t(side_) * side_;
  for (size_t t = 0; t < n; ++t)
    for (int c = 0; c < 3; ++c) picture.data[c * n + t] = painted_[t] ? 1.0f : -1.0f;
  // As the CLI reads a mask PNG: fit to the last scale's side (area average), painted ≥ ½.
  return gen::keep_mask_from_picture(io::fit_square(picture, last_side), task == EditTask::kOutpaint);
}

std::vector<uint8_t> PaintMask::rgb() const {
  std::vector<uint8_t> out(painted_.size() * 3);
  for (size_t t = 0; t < painted_.size(); ++t) out[3 * t] = out[3 * t + 1] = out[3 * t + 2] = painted_[t] ? 255 : 0;
  return out;
}

}  // namespace vs::gui
