// The comparison numbers of the exact-vs-approximate panel on hand-computed cases.
#include <gtest/gtest.h>

#include <cmath>

#include "app/gui/session/image_compare.h"

using namespace vs::gui;

TEST(ImageCompare, DifferenceMapIsMeanAbsoluteOverChannels) {
  const std::vector<uint8_t> a = {0, 0, 0, 255, 255, 255};
  const std::vector<uint8_t> b = {255, 0, 0, 255, 255, 255};
  const auto map = abs_difference_map(a, b);
  ASSERT_EQ(map.size(), 2u);
  EXPECT_FLOAT_EQ(map[0], 1.0f / 3.0f);
  EXPECT_FLOAT_EQ(map[1], 0.0f);
  EXPECT_TRUE(abs_difference_map(a, {1, 2, 3}).empty());
}

TEST(ImageCompare, RelativeErrorAndTokenAgreement) {
  EXPECT_DOUBLE_EQ(relative_l2_error({3, 4}, {3, 4}), 0.0);
  EXPECT_DOUBLE_EQ(relative_l2_error({3, 4}, {0, 0}), 1.0);      // ‖a‖ = 5, ‖a − 0‖ = 5
  EXPECT_NEAR(relative_l2_error({3, 4}, {3, 9}), 1.0, 1e-12);    // ‖(0, −5)‖ / 5
  EXPECT_TRUE(std::isnan(relative_l2_error({1}, {1, 2})));
  EXPECT_DOUBLE_EQ(token_agreement({1, 2, 3, 4}, {1, 0, 3, 0}), 0.5);
  EXPECT_TRUE(std::isnan(token_agreement({}, {})));
}
