// Axis arithmetic of app/gui/plot: log decades and labels, nice linear steps, fitted
// ranges, and the unit mapping. Expected values are written out by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "app/gui/widgets/plot/axis.h"

namespace plot = vs::gui::plot;

namespace {

std::vector<double> majors(const std::vector<plot::Tick>& ticks) {
  std::vector<double> out;
  for (const auto& t : ticks)
    if (t.major) out.push_back(t.value);
  return out;
}

}  // namespace

TEST(PlotAxis, LogTicksPutMajorsOnDecadesAndMinorsBetween) {
  const auto ticks = plot::log_ticks({0.5, 2000});
  EXPECT_EQ(majors(ticks), (std::vector<double>{1, 10, 100, 1000}));
  int minors = 0;
  for (const auto& t : ticks) {
    if (!t.major) {
      ++minors;
      EXPECT_TRUE(t.label.empty()) << t.value;  // four decades: minors stay unlabelled
    }
  }
  // 5..9 × 0.1, 2..9 × 1, × 10, × 100, and 2 × 1000.
  EXPECT_EQ(minors, 5 + 8 + 8 + 8 + 1);
  EXPECT_EQ(ticks.front().value, 0.5);
}

TEST(PlotAxis, DecadeLabelsUseSuperscriptsBeyondHundred) {
  EXPECT_EQ(plot::format_decade(0), "1");
  EXPECT_EQ(plot::format_decade(2), "100");
  EXPECT_EQ(plot::format_decade(-1), "0.1");
  EXPECT_EQ(plot::format_decade(3), "10³");
  EXPECT_EQ(plot::format_decade(-12), "10⁻¹²");
}

TEST(PlotAxis, ShortLogAxisLabelsItsMinorTicks) {
  const auto ticks = plot::log_ticks({2.5, 8.5});
  ASSERT_EQ(ticks.size(), 6u);  // 3..8, no decade inside
  for (const auto& t : ticks) EXPECT_FALSE(t.label.empty()) << t.value;
  EXPECT_EQ(ticks.front().label, "3");
}

TEST(PlotAxis, ManyDecadesThinTheMajorLabels) {
  const auto ticks = plot::log_ticks({1e-20, 1e5});
  int labelled = 0;
  for (const auto& t : ticks) labelled += !t.label.empty();
  EXPECT_LE(labelled, 13);
  EXPECT_GE(labelled, 8);
}

TEST(PlotAxis, LinearTicksAreNiceMultiples) {
  EXPECT_DOUBLE_EQ(plot::nice_step(0.13), 0.2);
  EXPECT_DOUBLE_EQ(plot::nice_step(3.0), 5.0);
  EXPECT_DOUBLE_EQ(plot::nice_step(7.0), 10.0);
  EXPECT_DOUBLE_EQ(plot::nice_step(1.0), 1.0);
  // Span 2.15 over 6 ticks asks for 0.358: the nice step is 0.5.
  const auto ticks = plot::linear_ticks({-0.05, 2.1}, 6);
  std::vector<double> values;
  for (const auto& t : ticks) values.push_back(t.value);
  ASSERT_EQ(values.size(), 5u);
  for (size_t i = 0; i < values.size(); ++i) EXPECT_NEAR(values[i], 0.5 * i, 1e-12);
  EXPECT_EQ(ticks[3].label, "1.5");
  const auto tenths = plot::linear_ticks({-0.31, 0.29}, 6);  // step 0.1 crossing zero
  ASSERT_EQ(tenths.size(), 6u);
  EXPECT_EQ(ticks[0].label, "0");  // not "-2.2e-17"
}

TEST(PlotAxis, FitRangeIgnoresNonPositiveOnLogAndPads) {
  const plot::Range r = plot::fit_range(plot::Scale::kLog10, {-1, 0, NAN, 10, 1000});
  EXPECT_LT(r.min, 10);
  EXPECT_GT(r.min, 5);
  EXPECT_GT(r.max, 1000);
  EXPECT_LT(r.max, 2000);
  const plot::Range flat = plot::fit_range(plot::Scale::kLinear, {3, 3});
  EXPECT_LT(flat.min, 3);
  EXPECT_GT(flat.max, 3);
  const plot::Range none = plot::fit_range(plot::Scale::kLog10, {});
  EXPECT_GT(none.max, none.min);
}

TEST(PlotAxis, UnitMappingIsLogarithmicOnLogAxes) {
  const plot::Range r{1, 10000};
  EXPECT_NEAR(plot::to_unit(plot::Scale::kLog10, r, 100), 0.5, 1e-12);
  EXPECT_NEAR(plot::from_unit(plot::Scale::kLog10, r, 0.25), 10, 1e-9);
  EXPECT_NEAR(plot::to_unit(plot::Scale::kLinear, {0, 4}, 1), 0.25, 1e-12);
}
