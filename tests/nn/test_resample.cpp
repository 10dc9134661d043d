// Resampling against hand-worked values and naive double references written here
// (definitions from var.md §2.4).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "core/error.h"
#include "core/nn/resample.h"

namespace {

vs::Tensor random_tensor(vs::Shape shape, uint32_t seed) {
  vs::Tensor t(std::move(shape));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-2.0f, 2.0f);
  for (float& v : t.data) v = u(rng);
  return t;
}

// The Keys kernel as a function of the distance |s| (A = -0.75).
double keys(double s) {
  const double A = -0.75;
  s = std::abs(s);
  if (s <= 1) return (A + 2) * s * s * s - (A + 3) * s * s + 1;
  if (s < 2) return A * s * s * s - 5 * A * s * s + 8 * A * s - 4 * A;
  return 0;
}

// Non-separable 2-D reference: sum over the 4x4 neighbourhood of keys(dy) keys(dx) x[clamp].
vs::Tensor naive_bicubic(const vs::Tensor& x, int oh_n, int ow_n) {
  const int64_t P = x.dim(0) * x.dim(1), H = x.dim(2), W = x.dim(3);
  vs::Tensor y({x.dim(0), x.dim(1), oh_n, ow_n});
  for (int64_t p = 0; p < P; ++p)
    for (int oh = 0; oh < oh_n; ++oh)
      for (int ow = 0; ow < ow_n; ++ow) {
        const double sy = (oh + 0.5) * double(H) / oh_n - 0.5, sx = (ow + 0.5) * double(W) / ow_n - 0.5;
        const int64_t iy = int64_t(std::floor(sy)), ix = int64_t(std::floor(sx));
        double acc = 0;
        for (int64_t a = iy - 1; a <= iy + 2; ++a)
          for (int64_t b = ix - 1; b <= ix + 2; ++b) {
            const int64_t ca = std::clamp<int64_t>(a, 0, H - 1), cb = std::clamp<int64_t>(b, 0, W - 1);
            acc += keys(sy - a) * keys(sx - b) * x.data[(p * H + ca) * W + cb];
          }
        y.data[(p * oh_n + oh) * ow_n + ow] = float(acc);
      }
  return y;
}

// Adaptive average pooling: bin o = [floor(o*n/m), ceil((o+1)*n/m)).
vs::Tensor naive_area(const vs::Tensor& x, int oh_n, int ow_n) {
  const int64_t P = x.dim(0) * x.dim(1), H = x.dim(2), W = x.dim(3);
  vs::Tensor y({x.dim(0), x.dim(1), oh_n, ow_n});
  for (int64_t p = 0; p < P; ++p)
    for (int oh = 0; oh < oh_n; ++oh)
      for (int ow = 0; ow < ow_n; ++ow) {
        const int64_t h0 = int64_t(std::floor(double(oh) * H / oh_n)), h1 = int64_t(std::ceil(double(oh + 1) * H / oh_n));
        const int64_t w0 = int64_t(std::floor(double(ow) * W / ow_n)), w1 = int64_t(std::ceil(double(ow + 1) * W / ow_n));
        double acc = 0;
        for (int64_t h = h0; h < h1; ++h)
          for (int64_t w = w0; w < w1; ++w) acc += x.data[(p * H + h) * W + w];
        y.data[(p * oh_n + oh) * ow_n + ow] = float(acc / double((h1 - h0) * (w1 - w0)));
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

TEST(Bicubic, WeightsSumToOneAndMatchTheKernel) {
  for (float t : {0.0f, 0.25f, 0.5f, 0.75f, 0.9f}) {
    float w[4];
    vs::nn::bicubic_weights(t, w);
    EXPECT_NEAR(w[0] + w[1] + w[2] + w[3], 1.0, 1e-6);
    EXPECT_NEAR(w[0], keys(t + 1), 1e-6);
    EXPECT_NEAR(w[1], keys(t), 1e-6);
    EXPECT_NEAR(w[2], keys(1 - t), 1e-6);
    EXPECT_NEAR(w[3], keys(2 - t), 1e-6);
  }
}

TEST(Bicubic, OneByOneUpsamplesToAConstant) {
  vs::Tensor x({1, 2, 1, 1});
  x.data = {0.7f, -1.3f};
  const auto y = vs::nn::interpolate_bicubic(x, 16, 16);
  for (int i = 0; i < 256; ++i) {
    EXPECT_FLOAT_EQ(y.data[i], 0.7f);
    EXPECT_FLOAT_EQ(y.data[256 + i], -1.3f);
  }
}

TEST(Bicubic, TwoToFourWorkedByHand) {
  // Row [0, 1] -> 4 columns, scale 0.5. Column 0: x = -0.25, i0 = -1, t = 0.75, taps
  // clamp to (0, 0, 0, 1), so out = c2(1.25) = -0.10546875 (negative: the unclamped
  // coordinate and the replicate border make it overshoot). Column 1: x = 0.25, t = 0.25,
  // taps (0, 0, 1, 1): out = c1(0.75) + c2(1.75) = 0.26171875 - 0.03515625 = 0.2265625.
  // Columns 2, 3 follow by symmetry: 1 - 0.2265625 and 1 + 0.10546875.
  vs::Tensor x({1, 1, 1, 2});
  x.data = {0.0f, 1.0f};
  const auto y = vs::nn::interpolate_bicubic(x, 1, 4);
  EXPECT_FLOAT_EQ(y.data[0], -0.10546875f);
  EXPECT_FLOAT_EQ(y.data[1], 0.2265625f);
  EXPECT_FLOAT_EQ(y.data[2], 0.7734375f);
  EXPECT_FLOAT_EQ(y.data[3], 1.10546875f);
}

TEST(Bicubic, ConstantMapsStayConstantAtAnySize) {
  // The four weights sum to 1 for every t and the border replicates, so a constant map
  // is preserved exactly up to rounding. (Linear ramps are not: with A = -0.75 the Keys
  // kernel only reproduces constants; A = -0.5 would also reproduce lines.)
  for (int n_in : {2, 3, 5, 13}) {
    vs::Tensor x({1, 1, n_in, n_in}, 2.5f);
    for (int n_out : {1, 4, 7, 16}) {
      const auto y = vs::nn::interpolate_bicubic(x, n_out, n_out);
      for (float v : y.data) EXPECT_NEAR(v, 2.5f, 2e-6) << n_in << " -> " << n_out;
    }
  }
}

TEST(Bicubic, MatchesNaiveReferenceForEveryVarUpsample) {
  uint32_t seed = 1;
  for (int pn : {1, 2, 3, 4, 5, 6, 8, 10, 13}) {
    const auto x = random_tensor({2, 3, pn, pn}, seed++);
    EXPECT_LT(max_abs_diff(vs::nn::interpolate_bicubic(x, 16, 16), naive_bicubic(x, 16, 16)), 2e-5) << pn;
  }
  const auto x = random_tensor({1, 2, 5, 7}, 99);  // non-square, downsampling one axis
  EXPECT_LT(max_abs_diff(vs::nn::interpolate_bicubic(x, 9, 4), naive_bicubic(x, 9, 4)), 2e-5);
}

TEST(Area, BinsOverlapWhenSizesDoNotDivide) {
  // 5 -> 3: bins [0,2), [1,4), [3,5) -> means of {0,1}, {1,2,3}, {3,4}.
  vs::Tensor x({1, 1, 1, 5});
  x.data = {0, 1, 2, 3, 4};
  auto y = vs::nn::interpolate_area(x, 1, 3);
  EXPECT_FLOAT_EQ(y.data[0], 0.5f);
  EXPECT_FLOAT_EQ(y.data[1], 2.0f);
  EXPECT_FLOAT_EQ(y.data[2], 3.5f);
  // 16 -> 13: bin 0 = [0,2), bin 1 = [1,3), ..., bin 12 = [14,16).
  vs::Tensor r({1, 1, 1, 16});
  for (int i = 0; i < 16; ++i) r.data[i] = float(i);
  y = vs::nn::interpolate_area(r, 1, 13);
  EXPECT_FLOAT_EQ(y.data[0], 0.5f);
  EXPECT_FLOAT_EQ(y.data[1], 1.5f);
  EXPECT_FLOAT_EQ(y.data[12], 14.5f);
}

TEST(Area, SameSizeIsTheIdentityAndDividingSizesAreBoxMeans) {
  const auto x = random_tensor({1, 2, 16, 16}, 5);
  EXPECT_EQ(max_abs_diff(vs::nn::interpolate_area(x, 16, 16), x), 0.0);
  const auto y = vs::nn::interpolate_area(x, 4, 4);
  double box = 0;
  for (int h = 0; h < 4; ++h)
    for (int w = 4; w < 8; ++w) box += x.data[h * 16 + w];
  EXPECT_NEAR(y.data[1], box / 16, 1e-6);
}

TEST(Area, MatchesNaiveReferenceForEveryVarDownsample) {
  uint32_t seed = 20;
  for (int pn : {1, 2, 3, 4, 5, 6, 8, 10, 13, 16}) {
    const auto x = random_tensor({2, 3, 16, 16}, seed++);
    EXPECT_LT(max_abs_diff(vs::nn::interpolate_area(x, pn, pn), naive_area(x, pn, pn)), 1e-6) << pn;
  }
  const auto x = random_tensor({1, 1, 7, 9}, 40);
  EXPECT_LT(max_abs_diff(vs::nn::interpolate_area(x, 3, 4), naive_area(x, 3, 4)), 1e-6);
}

TEST(Nearest2x, RepeatsEachPixelTwice) {
  vs::Tensor x({1, 1, 2, 2});
  x.data = {1, 2, 3, 4};
  const auto y = vs::nn::upsample_nearest2x(x);
  ASSERT_EQ(y.shape, (vs::Shape{1, 1, 4, 4}));
  const float want[16] = {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4};
  for (int i = 0; i < 16; ++i) EXPECT_EQ(y.data[i], want[i]);
}

TEST(Resample, RefusesBadShapes) {
  vs::Tensor x({2, 2});
  EXPECT_THROW(vs::nn::interpolate_bicubic(x, 4, 4), vs::Error);
  vs::Tensor y({1, 1, 2, 2});
  EXPECT_THROW(vs::nn::interpolate_area(y, 0, 4), vs::Error);
}

}  // namespace
