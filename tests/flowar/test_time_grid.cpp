// flowar.md §7 step 4: the time grids and the integer times the flownet sees, exactly.
#include <gtest/gtest.h>

#include <vector>

#include "core/error.h"
#include "core/flowar/flownet.h"
#include "core/flowar/time_grid.h"

namespace vs::flowar {
namespace {

std::vector<int64_t> evaluated_integers(int num_steps) {
  const std::vector<double> grid = time_grid(num_steps);
  std::vector<int64_t> out;
  for (size_t i = 0; i + 1 < grid.size(); ++i) out.push_back(time_integer(grid[i]));
  return out;
}

TEST(TimeGrid, TwentyFiveStepsMatchSpecTable) {
  const std::vector<double> grid = time_grid(25);
  ASSERT_EQ(grid.size(), 25u);  // 24 model evaluations
  EXPECT_EQ(grid.front(), 1.0);
  EXPECT_EQ(grid.back(), 0.0);
  EXPECT_DOUBLE_EQ(grid[11], 0.3);
  EXPECT_DOUBLE_EQ(grid[12], 0.25);
  const std::vector<int64_t> expected{1000, 936, 872, 809, 745, 681, 618, 554, 490, 427, 363, 300,
                                      250,  229, 208, 187, 166, 145, 125, 104, 83,  62,  41,  20};
  EXPECT_EQ(evaluated_integers(25), expected);
}

TEST(TimeGrid, FiftyStepsUniform) {
  const std::vector<double> grid = time_grid(50);
  ASSERT_EQ(grid.size(), 51u);
  std::vector<int64_t> expected;
  for (int64_t t = 1000; t >= 20; t -= 20) expected.push_back(t);
  EXPECT_EQ(evaluated_integers(50), expected);
  for (size_t i = 0; i < grid.size(); ++i) EXPECT_NEAR(grid[i], 1.0 - double(i) / 50.0, 1e-15);
}

TEST(TimeGrid, TenStepsTwoPieces) {
  const std::vector<double> grid = time_grid(10);
  ASSERT_EQ(grid.size(), 11u);
  const std::vector<int64_t> expected{1000, 825, 650, 475, 300, 250, 200, 150, 100, 50};
  EXPECT_EQ(evaluated_integers(10), expected);
}

TEST(TimeGrid, TruncationChainUsesFloat32) {
  // 0.554545… · 1000 in float32 is 554.54…, truncated to 554; 0.3 → 300 (float32(0.3)·1000
  // rounds to exactly 300); 0.0625 → 62.
  EXPECT_EQ(time_integer(0.5545454545454546), 554);
  EXPECT_EQ(time_integer(0.3), 300);
  EXPECT_EQ(time_integer(0.0625), 62);
  EXPECT_EQ(time_integer(1.0), 1000);
  EXPECT_EQ(time_integer(0.0), 0);
}

TEST(TimeGrid, TorchLinspaceIsTwoSided) {
  const std::vector<double> v = torch_linspace(1.0, 0.3, 12);
  ASSERT_EQ(v.size(), 12u);
  EXPECT_EQ(v.front(), 1.0);
  EXPECT_EQ(v.back(), 0.3);  // the second half counts down from `end` exactly
  EXPECT_EQ(torch_linspace(0.25, 0.0, 1), std::vector<double>{0.25});
  EXPECT_TRUE(torch_linspace(1.0, 0.0, 0).empty());
}

TEST(TimeGrid, RejectsTooFewSteps) {
  EXPECT_THROW(time_grid(1), Error);
  EXPECT_THROW(time_grid(0), Error);
}

TEST(TimeEmbedding, CosFirstThenSin) {
  const std::vector<float> e0 = timestep_embedding(0);
  ASSERT_EQ(e0.size(), 256u);
  for (int j = 0; j < 128; ++j) {
    EXPECT_EQ(e0[j], 1.0f);
    EXPECT_EQ(e0[128 + j], 0.0f);
  }
  const std::vector<float> e = timestep_embedding(554);
  EXPECT_NEAR(e[0], std::cos(554.0), 1e-5);  // freq_0 = 1
  EXPECT_NEAR(e[128], std::sin(554.0), 1e-5);
  EXPECT_NEAR(e[64], std::cos(554.0 * std::exp(-std::log(10000.0) * 64 / 128)), 1e-5);
}

}  // namespace
}  // namespace vs::flowar
