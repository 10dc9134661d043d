// Per-variant slopes of a sweep's points: sorted by side, measured and model curves,
// local slopes and the fits the table, JSON and plot show.
#include "core/attention/scaling_fits.h"

#include <gtest/gtest.h>

namespace vs::attention {
namespace {

ScalingPoint point(const std::string& variant, int side, double ms, double model_ms) {
  ScalingPoint p;
  p.variant = variant;
  p.side = side;
  p.timing.min_ms = ms;
  p.timing.median_ms = 2 * ms;  // the fits use the minimum
  p.model_ms = model_ms;
  return p;
}

TEST(ScalingFits, SlopesPerVariantFromTheMinimum) {
  std::vector<ScalingPoint> points;
  for (int n : {64, 16, 32, 128, 256}) {  // out of order on purpose
    const double n4 = double(n) * n * n * n, n2 = double(n) * n;
    points.push_back(point("exact", n, 1e-6 * n4, 2e-6 * n4));
    points.push_back(point("poly", n, 1.0 + 1e-3 * n2, 1e-3 * n2));
  }
  const auto fits = fit_scaling(points);
  ASSERT_EQ(fits.size(), 2u);
  const VariantScaling& exact = fits.at("exact");
  EXPECT_EQ(exact.sides, (std::vector<int>{16, 32, 64, 128, 256}));
  ASSERT_EQ(exact.local_slopes.size(), 4u);
  for (double s : exact.local_slopes) EXPECT_NEAR(s, 4.0, 1e-9);
  EXPECT_NEAR(exact.all.slope, 4.0, 1e-9);
  EXPECT_NEAR(exact.model_upper.slope, 4.0, 1e-9);
  EXPECT_EQ(exact.upper_begin_side, 64);
  EXPECT_EQ(exact.upper.points, 3);
  const VariantScaling& poly = fits.at("poly");
  // The fixed cost bends the curve at small n; the upper half is closer to the model's 2.
  EXPECT_LT(poly.all.slope, poly.upper.slope);
  EXPECT_NEAR(poly.model_all.slope, 2.0, 1e-9);
  EXPECT_GT(poly.upper.slope, 1.8);
}

}  // namespace
}  // namespace vs::attention
