// The keep masks of zero-shot editing: the demo's box rule, the per-scale resize, a
// painted mask picture, and the checks of an edit request.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "core/edit/edit_mask.h"
#include "core/error.h"

namespace {

using vs::gen::box_keep_mask;
using vs::gen::keep_at_side;

int count_kept(const std::vector<float>& keep) {
  int kept = 0;
  for (float v : keep) kept += v > 0.5f;
  return kept;
}

TEST(EditMask, BoxInpaintingGeneratesTheBoxAndKeepsTheRest) {
  const std::vector<float> keep = box_keep_mask(8, 0.25, 0.25, 0.75, 0.75, false);
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x) {
      const bool in_box = y >= 2 && y < 6 && x >= 2 && x < 6;
      EXPECT_EQ(keep[y * 8 + x], in_box ? 0.0f : 1.0f) << y << "," << x;
    }
  const std::vector<float> out = box_keep_mask(8, 0.25, 0.25, 0.75, 0.75, true);
  for (size_t i = 0; i < keep.size(); ++i) EXPECT_EQ(out[i], 1.0f - keep[i]);
}

TEST(EditMask, BoxEdgesRoundHalfToEvenAsPython) {
  // 0.3125 · 8 = 2.5 rounds to 2 and 0.6875 · 8 = 5.5 to 6 (Python's round).
  const std::vector<float> keep = box_keep_mask(8, 0.3125, 0.0, 0.6875, 1.0, false);
  for (int y = 0; y < 8; ++y) EXPECT_EQ(keep[y * 8], (y >= 2 && y < 6) ? 0.0f : 1.0f) << y;
}

TEST(EditMask, BadBoxesAreRefused) {
  EXPECT_THROW(box_keep_mask(8, 0.5, 0.2, 0.5, 0.8, false), vs::Error);  // empty
  EXPECT_THROW(box_keep_mask(8, -0.1, 0.2, 0.5, 0.8, false), vs::Error);
  EXPECT_THROW(box_keep_mask(8, 0.1, 0.2, 1.5, 0.8, false), vs::Error);
  EXPECT_THROW(box_keep_mask(8, std::nan(""), 0.2, 0.5, 0.8, false), vs::Error);
}

TEST(EditMask, SameSideIsTheMaskItselfAndTinyScalesKeepEverything) {
  const std::vector<float> keep = box_keep_mask(8, 0.25, 0.25, 0.75, 0.75, false);
  const std::vector<uint8_t> same = keep_at_side(keep, 8, 8);
  for (size_t i = 0; i < keep.size(); ++i) EXPECT_EQ(same[i], keep[i] > 0.5f);
  const std::vector<float> nothing(64, 0.0f);
  EXPECT_EQ(keep_at_side(nothing, 8, 1), std::vector<uint8_t>{1});
  EXPECT_EQ(keep_at_side(nothing, 8, 2), std::vector<uint8_t>(4, 0));  // 4 tokens: the mask decides
  const std::vector<uint8_t> four = keep_at_side(nothing, 8, 4);
  for (uint8_t v : four) EXPECT_EQ(v, 0);
}

TEST(EditMask, ResizeFollowsTheBilinearThreshold) {
  // The box 2..6 of 8 at side 4 is exactly the inner 2×2 (values 0 there, 1 outside).
  const std::vector<uint8_t> four = keep_at_side(box_keep_mask(8, 0.25, 0.25, 0.75, 0.75, false), 8, 4);
  const std::vector<uint8_t> expected{1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1};
  EXPECT_EQ(four, expected);
  // Enlarging a half-kept mask keeps the kept half.
  std::vector<float> left(4 * 4, 0.0f);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 2; ++x) left[y * 4 + x] = 1.0f;
  const std::vector<uint8_t> big = keep_at_side(left, 4, 16);
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < 16; ++x) EXPECT_EQ(big[y * 16 + x], x < 8 ? 1 : 0) << y << "," << x;
}

TEST(EditMask, PaintedPictureMarksWhatToGenerate) {
  vs::Tensor picture({1, 3, 4, 4});
  for (float& v : picture.data) v = -1.0f;  // black: keep
  for (int c = 0; c < 3; ++c) picture.data[c * 16 + 5] = 1.0f;  // one white token: generate
  const std::vector<float> keep = vs::gen::keep_mask_from_picture(picture, false);
  EXPECT_EQ(count_kept(keep), 15);
  EXPECT_EQ(keep[5], 0.0f);
  const std::vector<float> out = vs::gen::keep_mask_from_picture(picture, true);
  EXPECT_EQ(count_kept(out), 1);
  EXPECT_EQ(out[5], 1.0f);
  EXPECT_THROW(vs::gen::keep_mask_from_picture(vs::Tensor({1, 3, 4, 5}), false), vs::Error);
}

TEST(EditMask, RequestChecks) {
  vs::gen::EditRequest edit;
  edit.image.resize(3);
  edit.keep.assign(16, 1.0f);
  EXPECT_EQ(vs::gen::keep_masks_for_scales(edit, {1, 2, 4}).size(), 3u);
  EXPECT_THROW(vs::gen::keep_masks_for_scales(edit, {1, 2, 5}), vs::Error);     // 16 values, side 5
  EXPECT_THROW(vs::gen::keep_masks_for_scales(edit, {1, 2, 3, 4}), vs::Error);  // 3 scales given
  edit.keep[3] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(vs::gen::keep_masks_for_scales(edit, {1, 2, 4}), vs::Error);
  EXPECT_EQ(vs::gen::edit_rows(16, 16, 4, 0), 1);
  EXPECT_EQ(vs::gen::edit_rows(64, 16, 4, 0), 4);
  EXPECT_THROW(vs::gen::edit_rows(32, 16, 4, 0), vs::Error);
}

}  // namespace
