// The mask painted in "Your image" ▸ Edit: brush, box, token cells, invert, and the keep
// mask it becomes — the same tokens the CLI's `edit --box` / `--mask` would edit.
#include <gtest/gtest.h>

#include <vector>

#include "app/gui/session/paint_mask.h"
#include "core/edit/edit_mask.h"

using vs::gui::EditTask;
using vs::gui::PaintMask;

TEST(PaintMask, BrushPaintsADiscAndErases) {
  PaintMask mask(32);
  EXPECT_TRUE(mask.empty());
  mask.brush(16, 16, 3, true);
  const int disc = mask.painted_pixels();
  EXPECT_GT(disc, 20);  // π·3² ≈ 28 pixels
  EXPECT_LT(disc, 37);
  mask.brush(16, 16, 1.5f, false);
  EXPECT_LT(mask.painted_pixels(), disc);
  mask.brush(-40, -40, 3, true);  // off the image: nothing
  EXPECT_LT(mask.painted_pixels(), disc);
}

TEST(PaintMask, BoxFractionMatchesTheCliBox) {
  for (EditTask task : {EditTask::kInpaint, EditTask::kOutpaint}) {
    PaintMask mask(32);
    mask.box_fraction(0.0, 0.25, 0.5, 1.0, true);
    EXPECT_EQ(mask.painted_pixels(), 16 * 24);
    EXPECT_EQ(mask.keep_mask(8, task),
              vs::gen::box_keep_mask(8, 0.0, 0.25, 0.5, 1.0, task == EditTask::kOutpaint));
  }
  PaintMask mask(32);
  mask.box_fraction(0.25, 0.25, 0.75, 0.75, true);
  EXPECT_EQ(mask.keep_mask(8, EditTask::kClassEdit), vs::gen::box_keep_mask(8, 0.25, 0.25, 0.75, 0.75, false));
}

TEST(PaintMask, TokenCellsOfAnyScale) {
  PaintMask mask(32);
  mask.token(8, 0, 0, true);  // a 4×4 pixel cell
  EXPECT_EQ(mask.painted_pixels(), 16);
  mask.token(2, 1, 1, true);  // a quarter of the image
  EXPECT_EQ(mask.painted_pixels(), 16 + 256);
  const std::vector<float> keep = mask.keep_mask(8, EditTask::kInpaint);
  int generated = 0;
  for (float v : keep) generated += v < 0.5f;
  EXPECT_EQ(generated, 1 + 16);
  mask.token(8, 9, 0, true);  // outside the grid: ignored
  EXPECT_EQ(mask.painted_pixels(), 16 + 256);
  // A side that does not divide the image: every pixel still belongs to one cell.
  PaintMask odd(32);
  for (int r = 0; r < 5; ++r)
    for (int c = 0; c < 5; ++c) odd.token(5, r, c, true);
  EXPECT_EQ(odd.painted_pixels(), 32 * 32);
}

TEST(PaintMask, InvertClearAndPicture) {
  PaintMask mask(16);
  mask.box(0, 0, 7, 15, true);
  mask.invert();
  EXPECT_EQ(mask.painted_pixels(), 128);
  const std::vector<uint8_t> rgb = mask.rgb();
  EXPECT_EQ(rgb[0], 0);           // left half: not painted after invert
  EXPECT_EQ(rgb[3 * 15], 255);    // right half painted
  std::vector<float> picture(3 * 16 * 16, -1.0f);
  for (int c = 0; c < 3; ++c) picture[c * 256 + 5] = 1.0f;
  mask.set_from_picture(picture);
  EXPECT_EQ(mask.painted_pixels(), 1);
  const uint64_t serial = mask.serial();
  mask.clear();
  EXPECT_TRUE(mask.empty());
  EXPECT_GT(mask.serial(), serial);
}
