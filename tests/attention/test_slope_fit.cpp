// Log–log slopes on synthetic curves with known answers: the fit, its 95 % interval, the
// local slopes and which points form the asymptotic half.
#include "core/attention/slope_fit.h"

#include <gtest/gtest.h>

#include <cmath>

namespace vs::attention {
namespace {

TEST(SlopeFit, APowerLawHasItsExponentAndNoUncertainty) {
  std::vector<double> x{2, 4, 8, 16}, y;
  for (double v : x) y.push_back(3.0 * v * v * v);
  const SlopeFit fit = fit_loglog(x, y);
  EXPECT_NEAR(fit.slope, 3.0, 1e-12);
  EXPECT_NEAR(fit.ci95, 0.0, 1e-9);
  EXPECT_EQ(fit.points, 4);
}

TEST(SlopeFit, NoiseGivesTheStudentInterval) {
  // log y = 2 log x + e, e = ±0.1 orthogonal to log x: the slope stays 2, the residuals are
  // e, so se = sqrt(0.04 / 2 / (5 ln²2)) and the interval is t(2) = 4.303 times that.
  const std::vector<double> x{1, 2, 4, 8}, e{0.1, -0.1, -0.1, 0.1};
  std::vector<double> y;
  for (size_t i = 0; i < x.size(); ++i) y.push_back(x[i] * x[i] * std::exp(e[i]));
  const SlopeFit fit = fit_loglog(x, y);
  EXPECT_NEAR(fit.slope, 2.0, 1e-12);
  EXPECT_NEAR(fit.ci95, 4.303 * std::sqrt(0.04 / 2 / (5 * std::log(2.0) * std::log(2.0))), 1e-9);
  EXPECT_NEAR(fit.ci95, 0.3926, 1e-4);
}

TEST(SlopeFit, TooFewPointsGiveNaN) {
  EXPECT_TRUE(std::isnan(fit_loglog({2}, {4}).slope));
  const SlopeFit two = fit_loglog({2, 4}, {4, 16});
  EXPECT_NEAR(two.slope, 2.0, 1e-12);
  EXPECT_TRUE(std::isnan(two.ci95));
  // Non-positive values are left out, not logged.
  EXPECT_NEAR(fit_loglog({1, 2, 3, 4}, {0, 4, -1, 16}).slope, 2.0, 1e-12);
}

TEST(SlopeFit, LocalSlopesAreBetweenNeighbours) {
  const auto local = local_loglog_slopes({1, 2, 4}, {1, 4, 32});
  ASSERT_EQ(local.size(), 2u);
  EXPECT_NEAR(local[0], 2.0, 1e-12);
  EXPECT_NEAR(local[1], 3.0, 1e-12);
  EXPECT_TRUE(std::isnan(local_loglog_slopes({1, 2}, {1, 0})[0]));
}

TEST(SlopeFit, TheAsymptoticHalfSkipsTheFixedCostRegime) {
  EXPECT_EQ(upper_half_begin(2), 0);
  EXPECT_EQ(upper_half_begin(3), 0);
  EXPECT_EQ(upper_half_begin(4), 1);
  EXPECT_EQ(upper_half_begin(5), 2);
  EXPECT_EQ(upper_half_begin(7), 3);
  EXPECT_EQ(upper_half_begin(8), 4);
  // A fixed cost of 1e6 dominates the first sides of an n⁴ curve: the fit over all sides
  // is well below 4, the one over the upper half close to it.
  std::vector<double> x{4, 8, 16, 64, 128, 256}, y;
  for (double v : x) y.push_back(1e6 + v * v * v * v);
  EXPECT_LT(fit_loglog(x, y).slope, 3.0);
  EXPECT_NEAR(fit_loglog_upper_half(x, y).slope, 4.0, 0.05);
  EXPECT_EQ(fit_loglog_upper_half(x, y).points, 3);
}

TEST(SlopeFit, StudentQuantiles) {
  EXPECT_NEAR(student_t95(1), 12.706, 1e-9);
  EXPECT_NEAR(student_t95(10), 2.228, 1e-9);
  EXPECT_NEAR(student_t95(1000), 1.962, 0.005);
  EXPECT_TRUE(std::isnan(student_t95(0)));
}

}  // namespace
}  // namespace vs::attention
