// The mask a user paints over their image in "Your image" (zero-shot editing): painted
// pixels at the image's side, turned into the model's keep mask at the last scale the same
// way the CLI's `edit --mask` reads a picture (area average, painted where ≥ ½), so a mask
// exported from here and given to the CLI edits the same tokens. Pure logic: no window.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace vs::gui {

// In-painting generates the painted region; out-painting keeps it and generates the rest;
// a class edit generates the painted region toward another class.
enum class EditTask { kInpaint, kOutpaint, kClassEdit };
const char* edit_task_name(EditTask task);

class PaintMask {
 public:
  PaintMask() = default;
  explicit PaintMask(int side) { reset(side); }
  void reset(int side);  // a blank mask of side × side pixels
  int side() const { return side_; }
  bool empty() const;  // nothing painted
  int painted_pixels() const;

  // A round brush at pixel (x, y) (centres at +0.5) of `radius` pixels; paint or erase.
  void brush(float x, float y, float radius, bool paint);
  // The pixel rectangle between two corners (inclusive, in any order).
  void box(int x0, int y0, int x1, int y1, bool paint);
  // The pixels of token (row, col) of a scale of `scale_side` tokens.
  void token(int scale_side, int row, int col, bool paint);
  // Box in fractions of the image, as `edit --box y0,x0,y1,x1`.
  void box_fraction(double y0, double x0, double y1, double x1, bool paint);
  void invert();
  void clear() { reset(side_); }
  // Copies a painted picture: (1, 3, side, side) in [-1, 1] as the CLI reads a mask (white = painted).
  void set_from_picture(const std::vector<float>& picture_chw);

  // The keep mask at the last scale's side (last_side² values, 1 = keep the image).
  std::vector<float> keep_mask(int last_side, EditTask task) const;
  // The mask as a black-and-white RGB picture (white = painted), the CLI's --mask format.
  std::vector<uint8_t> rgb() const;
  uint64_t serial() const { return serial_; }  // bumps on every change

 private:
  int side_ = 0;
  std::vector<uint8_t> painted_;  // side², 1 = painted
  uint64_t serial_ = 0;
};

}  // namespace vs::gui
