#include "core/edit/edit_mask.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"

namespace vs::gen {

std::vector<uint8_t> keep_at_side(const std::vector<float>& keep, int from_side, int side) {
  if (from_side < 1 || int64_t(keep.size()) != int64_t(from_side) * from_side || side < 1)
    throw Error("edit mask: " + std::to_string(keep.size()) + " values do not make a " + std::to_string(from_side) +
                "×" + std::to_string(from_side) + " mask");
  std::vector<uint8_t> out(size_t(side) * side, 1);
  if (int64_t(side) * side <= 3) return out;
  // PyTorch's CPU weights for align_corners=False: the scale in float, the source index
  // in double (its accumulate type), the weights rounded to float. The sums below can still
  // differ from PyTorch's vectorised kernel in the last bit, which matters only for values
  // within an ulp of ½.
  const float scale = float(from_side) / float(side);
  struct Tap {
    int i0, i1;
    float l0, l1;
  };
  std::vector<Tap> taps(side);
  for (int d = 0; d < side; ++d) {
    const double src = std::max(double(scale) * (d + 0.5) - 0.5, 0.0);
    const int i0 = std::min(int(src), from_side - 1);
    const int i1 = std::min(i0 + 1, from_side - 1);
    const float l1 = float(src - i0);
    taps[d] = {i0, i1, 1.0f - l1, l1};
  }
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) {
      const Tap& ty = taps[y];
      const Tap& tx = taps[x];
      auto at = [&](int r, int c) { return keep[size_t(r) * from_side + c]; };
      const float value = ty.l0 * (tx.l0 * at(ty.i0, tx.i0) + tx.l1 * at(ty.i0, tx.i1)) +
                          ty.l1 * (tx.l0 * at(ty.i1, tx.i0) + tx.l1 * at(ty.i1, tx.i1));
      out[size_t(y) * side + x] = value > 0.5f ? 1 : 0;
    }
  return out;
}

std::vector<float> box_keep_mask(int side, double y0, double x0, double y1, double x1, bool outpaint) {
  auto ok = [](double a, double b) { return std::isfinite(a) && std::isfinite(b) && 0 <= a && a < b && b <= 1; };
  if (!ok(y0, y1) || !ok(x0, x1))
    throw Error("edit box " + std::to_string(y0) + "," + std::to_string(x0) + "," + std::to_string(y1) + "," +
                std::to_string(x1) + ": expected fractions y0,x0,y1,x1 with 0 ≤ y0 < y1 ≤ 1 and 0 ≤ x0 < x1 ≤ 1");
  // std::nearbyint rounds half to even in the default rounding mode, as Python's round.
  auto row = [&](double f) { return std::clamp(int(std::nearbyint(f * side)), 0, side); };
  const int r0 = row(y0), r1 = row(y1), c0 = row(x0), c1 = row(x1);
  std::vector<float> keep(size_t(side) * side, outpaint ? 0.0f : 1.0f);
  for (int y = r0; y < r1; ++y)
    for (int x = c0; x < c1; ++x) keep[size_t(y) * side + x] = outpaint ? 1.0f : 0.0f;
  return keep;
}

std::vector<float> keep_mask_from_picture(const Tensor& picture, bool outpaint) {
  if (picture.rank() != 4 || picture.dim(0) != 1 || picture.dim(1) != 3 || picture.dim(2) != picture.dim(3))
    throw Error("edit mask picture: expected (1, 3, side, side), got " + picture.shape_str());
  const int64_t n = picture.dim(2) * picture.dim(3);
  std::vector<float> keep(n);
  for (int64_t t = 0; t < n; ++t) {
    const float grey = (picture.data[t] + picture.data[n + t] + picture.data[2 * n + t]) / 3.0f;
    const bool painted = (grey + 1.0f) * 0.5f >= 0.5f;
    keep[t] = painted == outpaint ? 1.0f : 0.0f;
  }
  return keep;
}

std::vector<std::vector<uint8_t>> keep_masks_for_scales(const EditRequest& edit, const std::vector<int>& scales) {
  if (scales.empty()) throw Error("edit: the model has no scales");
  const int last = scales.back();
  if (int64_t(edit.keep.size()) != int64_t(last) * last)
    throw Error("edit: the keep mask has " + std::to_string(edit.keep.size()) + " values, expected " +
                std::to_string(int64_t(last) * last) + " (the last scale's side " + std::to_string(last) + " squared)");
  for (float v : edit.keep)
    if (!std::isfinite(v) || v < 0 || v > 1) throw Error("edit: the keep mask holds a value outside [0, 1]");
  if (edit.image.size() != scales.size())
    throw Error("edit: the image's pyramid has " + std::to_string(edit.image.size()) + " scales, the model " +
                std::to_string(scales.size()));
  std::vector<std::vector<uint8_t>> masks;
  for (int side : scales) masks.push_back(keep_at_side(edit.keep, last, side));
  return masks;
}

int64_t edit_rows(int64_t values, int64_t per_row, int64_t batch, int scale) {
  if (per_row > 0 && values == per_row) return 1;
  if (per_row > 0 && values == per_row * batch) return batch;
  throw Error("edit: scale " + std::to_string(scale) + " of the image's pyramid has " + std::to_string(values) +
              " values, expected " + std::to_string(per_row) + " (one image) or " + std::to_string(per_row * batch) +
              " (one per image of the batch)");
}

}  // namespace vs::gen
