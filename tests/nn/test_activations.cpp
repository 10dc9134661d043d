// The libm-free activations against libm over their whole useful range.
#include <gtest/gtest.h>

#include <cmath>

#include "core/nn/activations.h"

namespace vs::nn {
namespace {

TEST(Activations, ExpIsWithinAFewUlpsAndClampsOutsideFloatRange) {
  double worst = 0;
  for (float x = -87.0f; x <= 88.0f; x += 0.0137f)
    worst = std::max(worst, std::abs(double(exp_fast(x)) / std::exp(double(x)) - 1.0));
  EXPECT_LT(worst, 3e-7);
  EXPECT_EQ(exp_fast(0.0f), 1.0f);
  EXPECT_TRUE(std::isfinite(exp_fast(1000.0f)));
  EXPECT_GE(exp_fast(-1000.0f), 0.0f);
  EXPECT_LT(exp_fast(-1000.0f), 1e-37f);
}

TEST(Activations, TanhErfAndTheGelusMatchLibm) {
  double tanh_err = 0, erf_err = 0, gelu_t = 0, gelu_e = 0, silu_err = 0;
  for (float x = -12.0f; x <= 12.0f; x += 0.00731f) {
    tanh_err = std::max(tanh_err, std::abs(double(tanh_fast(x)) - std::tanh(double(x))));
    erf_err = std::max(erf_err, std::abs(double(erf_fast(x)) - std::erf(double(x))));
    const double k = std::sqrt(2.0 / M_PI) * (x + 0.044715 * double(x) * x * x);
    gelu_t = std::max(gelu_t, std::abs(double(gelu_tanh(x)) - 0.5 * x * (1 + std::tanh(k))));
    gelu_e = std::max(gelu_e, std::abs(double(gelu_erf(x)) - 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)))));
    silu_err = std::max(silu_err, std::abs(double(silu(x)) - x / (1 + std::exp(-double(x)))));
  }
  EXPECT_LT(tanh_err, 2e-7);
  EXPECT_LT(erf_err, 5e-7);
  EXPECT_LT(gelu_t, 2e-6);  // |x| up to 12: 2e-7 relative of x
  EXPECT_LT(gelu_e, 2e-6);
  EXPECT_LT(silu_err, 2e-6);
  EXPECT_EQ(std::signbit(tanh_fast(-0.5f)), true);
  EXPECT_EQ(erf_fast(0.0f), 0.0f);
}

TEST(Activations, InplaceVersionsApplyToEveryElement) {
  Tensor t({3, 70000});  // above the threading threshold
  for (int64_t i = 0; i < t.numel(); ++i) t.data[i] = float(i % 200) * 0.05f - 5.0f;
  Tensor g = t, e = t, s = t;
  gelu_tanh_inplace(g);
  gelu_erf_inplace(e);
  silu_inplace(s);
  for (int64_t i = 0; i < t.numel(); i += 997) {
    EXPECT_EQ(g.data[i], gelu_tanh(t.data[i]));
    EXPECT_EQ(e.data[i], gelu_erf(t.data[i]));
    EXPECT_EQ(s.data[i], silu(t.data[i]));
  }
}

}  // namespace
}  // namespace vs::nn
