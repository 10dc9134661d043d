// group_norm against a naive double-precision definition written here.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/error.h"
#include "core/nn/group_norm.h"

namespace {

vs::Tensor random_tensor(vs::Shape shape, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
  vs::Tensor t(std::move(shape));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  for (float& v : t.data) v = u(rng);
  return t;
}

TEST(GroupNorm, MatchesNaiveDefinition) {
  const int B = 2, C = 64, H = 5, W = 3, G = 32;
  auto x = random_tensor({B, C, H, W}, 1, -3.0f, 5.0f);
  const auto weight = random_tensor({C}, 2);
  const auto bias = random_tensor({C}, 3);
  const auto y = vs::nn::group_norm(x, G, weight, bias, 1e-6f);
  const int per = C / G;
  double max_err = 0;
  for (int b = 0; b < B; ++b)
    for (int g = 0; g < G; ++g) {
      double mean = 0, var = 0;
      const int n = per * H * W;
      for (int c = g * per; c < (g + 1) * per; ++c)
        for (int i = 0; i < H * W; ++i) mean += x.data[(b * C + c) * H * W + i];
      mean /= n;
      for (int c = g * per; c < (g + 1) * per; ++c)
        for (int i = 0; i < H * W; ++i) {
          const double d = x.data[(b * C + c) * H * W + i] - mean;
          var += d * d;
        }
      var /= n;  // biased, as torch.nn.GroupNorm
      for (int c = g * per; c < (g + 1) * per; ++c)
        for (int i = 0; i < H * W; ++i) {
          const int idx = (b * C + c) * H * W + i;
          const double want = (x.data[idx] - mean) / std::sqrt(var + 1e-6) * weight.data[c] + bias.data[c];
          max_err = std::max(max_err, std::abs(want - y.data[idx]));
        }
    }
  EXPECT_LT(max_err, 1e-5);
}

TEST(GroupNorm, ConstantGroupGoesToBiasWithEpsilon) {
  // A constant group has zero variance: (x - mean) = 0, so the output is exactly the bias.
  vs::Tensor x({1, 32, 2, 2}, 7.0f);
  vs::Tensor w({32}, 2.0f), b({32}, 0.25f);
  const auto y = vs::nn::group_norm(x, 32, w, b, 1e-6f);
  for (float v : y.data) EXPECT_FLOAT_EQ(v, 0.25f);
}

TEST(GroupNorm, OneChannelPerGroupNormalisesEachChannel) {
  // 32 channels in 32 groups (the fixtures' VAE ch = 32): each channel on its own.
  vs::Tensor x({1, 32, 1, 2});
  for (int c = 0; c < 32; ++c) {
    x.data[2 * c] = float(c);
    x.data[2 * c + 1] = float(c) + 2.0f;
  }
  const auto y = vs::nn::group_norm(x, 32, vs::Tensor(), vs::Tensor(), 1e-6f);
  const double expected = 1.0 / std::sqrt(1.0 + 1e-6);  // mean c+1, variance 1
  for (int c = 0; c < 32; ++c) {
    EXPECT_NEAR(y.data[2 * c], -expected, 1e-6);
    EXPECT_NEAR(y.data[2 * c + 1], expected, 1e-6);
  }
}

TEST(GroupNorm, RefusesIndivisibleChannels) {
  vs::Tensor x({1, 48, 2, 2});
  EXPECT_THROW(vs::nn::group_norm(x, 32, vs::Tensor(), vs::Tensor(), 1e-6f), vs::Error);
  vs::Tensor w({16}), b({16});
  vs::Tensor x2({1, 64, 2, 2});
  EXPECT_THROW(vs::nn::group_norm(x2, 32, w, b, 1e-6f), vs::Error);
}

}  // namespace
