// conv2d against a naive double-precision direct convolution written here.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/error.h"
#include "core/nn/conv2d.h"

namespace {

vs::Tensor random_tensor(vs::Shape shape, uint32_t seed) {
  vs::Tensor t(std::move(shape));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (float& v : t.data) v = u(rng);
  return t;
}

// Direct definition: y[b,o,oh,ow] = bias[o] + sum x[b,c,oh*s+i-top,ow*s+j-left] w[o,c,i,j].
vs::Tensor naive_conv(const vs::Tensor& x, const vs::Tensor& w, const vs::Tensor& bias, int s,
                      vs::nn::Conv2dPadding p) {
  const int64_t B = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3);
  const int64_t O = w.dim(0), kh = w.dim(2), kw = w.dim(3);
  const int64_t OH = (H + p.top + p.bottom - kh) / s + 1, OW = (W + p.left + p.right - kw) / s + 1;
  vs::Tensor y({B, O, OH, OW});
  for (int64_t b = 0; b < B; ++b)
    for (int64_t o = 0; o < O; ++o)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          double acc = bias.numel() ? bias.data[o] : 0.0;
          for (int64_t c = 0; c < C; ++c)
            for (int64_t i = 0; i < kh; ++i)
              for (int64_t j = 0; j < kw; ++j) {
                const int64_t ih = oh * s + i - p.top, iw = ow * s + j - p.left;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                acc += double(x.data[((b * C + c) * H + ih) * W + iw]) * w.data[((o * C + c) * kh + i) * kw + j];
              }
          y.data[((b * O + o) * OH + oh) * OW + ow] = float(acc);
        }
  return y;
}

double max_abs_diff(const vs::Tensor& a, const vs::Tensor& b) {
  EXPECT_EQ(a.shape, b.shape);
  double m = 0;
  for (size_t i = 0; i < a.data.size() && i < b.data.size(); ++i)
    m = std::max(m, std::abs(double(a.data[i]) - b.data[i]));
  return m;
}

struct Case {
  int cin, cout, k, h, w, stride;
  vs::nn::Conv2dPadding pad;
};

TEST(Conv2d, MatchesNaiveDirectConvolution) {
  const Case cases[] = {
      {3, 8, 3, 9, 7, 1, vs::nn::Conv2dPadding::same(1)},    // conv_in
      {5, 4, 3, 8, 8, 2, {0, 1, 0, 1}},                      // Downsample2x: right/bottom pad only
      {6, 7, 1, 5, 6, 1, {}},                                // nin_shortcut / qkv (pointwise)
      {4, 3, 3, 1, 1, 1, vs::nn::Conv2dPadding::same(1)},    // 1x1 map, all taps but the centre padded
      {2, 3, 5, 11, 10, 3, {2, 1, 0, 2}},                    // odd geometry
  };
  uint32_t seed = 1;
  for (const Case& c : cases) {
    const auto x = random_tensor({2, c.cin, c.h, c.w}, seed++);
    const auto w = random_tensor({c.cout, c.cin, c.k, c.k}, seed++);
    const auto b = random_tensor({c.cout}, seed++);
    const auto got = vs::nn::conv2d(x, w, &b, c.stride, c.pad);
    const auto want = naive_conv(x, w, b, c.stride, c.pad);
    EXPECT_LT(max_abs_diff(got, want), 1e-5) << "cin " << c.cin << " k " << c.k << " stride " << c.stride;
  }
}

TEST(Conv2d, DownsampleHalvesTheSide) {
  const auto x = random_tensor({1, 2, 16, 16}, 7);
  const auto w = random_tensor({2, 2, 3, 3}, 8);
  const auto y = vs::nn::conv2d(x, w, nullptr, 2, {0, 1, 0, 1});
  EXPECT_EQ(y.shape, (vs::Shape{1, 2, 8, 8}));
}

TEST(Conv2d, BandedIm2colAgreesOnALargeMap) {
  // 512 channels x 9 taps x 256 columns = 1.2M floats per output row, so the 2^24-float
  // im2col budget splits these 20 rows into bands (14 + 6).
  const auto x = random_tensor({1, 512, 20, 256}, 11);
  const auto w = random_tensor({2, 512, 3, 3}, 12);
  const vs::Tensor none;
  EXPECT_LT(max_abs_diff(vs::nn::conv2d(x, w, nullptr, 1, vs::nn::Conv2dPadding::same(1)),
                         naive_conv(x, w, none, 1, vs::nn::Conv2dPadding::same(1))),
            2e-4);
}

TEST(Conv2d, RefusesMismatchedShapes) {
  const auto x = random_tensor({1, 3, 4, 4}, 1);
  const auto w = random_tensor({2, 4, 3, 3}, 2);
  EXPECT_THROW(vs::nn::conv2d(x, w, nullptr, 1, vs::nn::Conv2dPadding::same(1)), vs::Error);
  const auto w2 = random_tensor({2, 3, 5, 5}, 3);
  EXPECT_THROW(vs::nn::conv2d(x, w2, nullptr, 1, {}), vs::Error);
}

TEST(Conv2d, RefusesAbsurdSizesBeforeAllocating) {
  // A 1x1 input padded by 2^20 on every side would give a (2^21)^2 output: refused.
  const auto x = random_tensor({1, 1, 1, 1}, 3);
  const auto w = random_tensor({4, 1, 1, 1}, 4);
  const int big = 1 << 20;
  EXPECT_THROW(vs::nn::conv2d(x, w, nullptr, 1, {big, big, big, big}), vs::Error);
}

TEST(Conv2d, RefusesATensorWhoseDataDoesNotMatchItsShape) {
  vs::Tensor x;  // shape claims a huge map but holds no data
  x.shape = {1, 1, 1 << 20, 1 << 20};
  const auto w = random_tensor({4, 1, 1, 1}, 4);
  EXPECT_THROW(vs::nn::conv2d(x, w, nullptr, 1, {}), vs::Error);
}

}  // namespace
