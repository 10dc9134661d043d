// The cost model's flops per variant: the formulas of cost_model.h on known pyramids, and
// the exponents they give between sides (exact ~n⁴ through the allowed pairs, low rank ~n²).
#include "core/attention/cost_model.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/attention/pyramid.h"
#include "core/attention/pyramid_family.h"
#include "core/error.h"

namespace vs::attention {
namespace {

TEST(CostModel, FormulasOnAKnownPyramid) {
  const std::vector<int> sides{1, 2, 3, 4, 5, 6, 8, 10, 13, 16};  // L = 680, P = 286434
  EXPECT_DOUBLE_EQ(variant_model_flops("exact", sides, 8, 2), 4.0 * 286434 * 8 * 2);
  EXPECT_DOUBLE_EQ(variant_model_flops("poly:degree=2", sides, 8, 1), 4.0 * 680 * 45 * 9);  // r = C(10, 2)
  EXPECT_DOUBLE_EQ(variant_model_flops("performer:features=64", sides, 8, 1), 4.0 * 680 * 64 * 17);
  EXPECT_GT(variant_model_flops("nystrom:landmarks=32", sides, 8, 1), 0.0);
  EXPECT_DOUBLE_EQ(variant_model_flops("svd:rank=4", {1, 2}, 1, 1), 2.0 * 25 * 1 + 10.0 * 125);
  EXPECT_NE(variant_model_formula("exact").find("allowed pairs"), std::string::npos);
  EXPECT_THROW(variant_model_flops("magic", sides, 8, 1), Error);
}

TEST(CostModel, ExponentsBetweenSides) {
  // The reference numbers for the 10-scale geometric family.
  auto slope = [](const std::string& spec, int a, int b) {
    const double fa = variant_model_flops(spec, geometric_pyramid(a, 10), 8, 1);
    const double fb = variant_model_flops(spec, geometric_pyramid(b, 10), 8, 1);
    return std::log(fb / fa) / std::log(double(b) / a);
  };
  EXPECT_NEAR(slope("exact", 64, 256), 3.85, 0.1);
  EXPECT_NEAR(slope("poly:degree=2", 256, 2048), 1.95, 0.1);
}

}  // namespace
}  // namespace vs::attention
