// The closeness measures the pareto command reports against the exact run.
#include <gtest/gtest.h>

#include <cmath>

#include "core/accel/fidelity.h"
#include "core/error.h"

namespace {

using vs::Tensor;

TEST(Fidelity, TokenAgreementIsTheShareOfEqualIds) {
  EXPECT_DOUBLE_EQ(vs::accel::token_agreement({1, 2, 3, 4}, {1, 2, 3, 4}), 1.0);
  EXPECT_DOUBLE_EQ(vs::accel::token_agreement({1, 2, 3, 4}, {1, 0, 3, 0}), 0.5);
  EXPECT_THROW(vs::accel::token_agreement({1, 2}, {1}), vs::Error);
  EXPECT_THROW(vs::accel::token_agreement({}, {}), vs::Error);
}

TEST(Fidelity, PsnrOfKnownErrors) {
  Tensor a({1, 1, 2, 2}, 0.5f), b = a;
  EXPECT_TRUE(std::isinf(vs::accel::psnr01(a, b)));
  b.data[0] = 0.6f;  // MSE = 0.01 / 4
  EXPECT_NEAR(vs::accel::psnr01(a, b), 10 * std::log10(400.0), 1e-4);
  for (float& x : b.data) x = 0.6f;  // MSE 0.01: 20 dB
  EXPECT_NEAR(vs::accel::psnr01(a, b), 20.0, 1e-4);
  EXPECT_THROW(vs::accel::psnr01(a, Tensor({1, 1, 2, 3})), vs::Error);
}

TEST(Fidelity, RelativeErrorScalesWithTheExactNorm) {
  Tensor exact({4}, 2.0f), a = exact;
  EXPECT_DOUBLE_EQ(vs::accel::relative_error(a, exact), 0.0);
  for (float& x : a.data) x = 3.0f;
  EXPECT_NEAR(vs::accel::relative_error(a, exact), 0.5, 1e-12);
  EXPECT_DOUBLE_EQ(vs::accel::relative_error(Tensor({2}), Tensor({2})), 0.0);
  EXPECT_THROW(vs::accel::relative_error(Tensor({2}), Tensor({3})), vs::Error);
}

}  // namespace
