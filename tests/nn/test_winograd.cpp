// Winograd F(2×2, 3×3) against a double-precision direct convolution, on even and odd
// sides (partial edge tiles) and more tiles than one chunk; and conv2d choosing it.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/nn/conv2d.h"
#include "core/nn/winograd.h"
#include "tests/nn/random_values.h"

namespace vs::nn {
namespace {

// Direct 3×3, stride 1, padding 1, in double.
std::vector<double> reference(const std::vector<float>& x, int64_t cin, int64_t h, int64_t w,
                              const std::vector<float>& k, int64_t cout) {
  std::vector<double> y(static_cast<size_t>(cout * h * w), 0.0);
  for (int64_t o = 0; o < cout; ++o)
    for (int64_t i = 0; i < cin; ++i)
      for (int64_t r = 0; r < h; ++r)
        for (int64_t c = 0; c < w; ++c)
          for (int dy = 0; dy < 3; ++dy)
            for (int dx = 0; dx < 3; ++dx) {
              const int64_t yy = r + dy - 1, xx = c + dx - 1;
              if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
              y[(o * h + r) * w + c] += double(x[(i * h + yy) * w + xx]) * k[((o * cin + i) * 3 + dy) * 3 + dx];
            }
  return y;
}

double relative_max_error(const float* got, const std::vector<double>& want) {
  double err = 0, scale = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    err = std::max(err, std::abs(double(got[i]) - want[i]));
    scale = std::max(scale, std::abs(want[i]));
  }
  return err / scale;
}

TEST(Winograd, MatchesTheDirectConvolution) {
  struct Case {
    int64_t cin, cout, h, w;
  };
  for (const Case& c : {Case{32, 32, 8, 8}, Case{33, 40, 7, 9}, Case{32, 48, 70, 66}}) {
    const std::vector<float> x = random_values(c.cin * c.h * c.w, 1), k = random_values(c.cout * c.cin * 9, 2);
    std::vector<float> y(static_cast<size_t>(c.cout * c.h * c.w), 123.0f);
    conv3x3_winograd(x.data(), c.cin, c.h, c.w, k.data(), c.cout, y.data());
    EXPECT_LT(relative_max_error(y.data(), reference(x, c.cin, c.h, c.w, k, c.cout)), 2e-6)
        << c.cin << "→" << c.cout << " " << c.h << "x" << c.w;
  }
}

TEST(Winograd, Conv2dTakesItOnlyForSame3x3) {
  EXPECT_TRUE(winograd_applies(64, 64, 16, 16, 3, 3, 1, true));
  EXPECT_FALSE(winograd_applies(64, 64, 16, 16, 3, 3, 2, true));   // strided
  EXPECT_FALSE(winograd_applies(64, 64, 16, 16, 3, 3, 1, false));  // other padding
  EXPECT_FALSE(winograd_applies(3, 64, 16, 16, 3, 3, 1, true));    // too few channels
  EXPECT_FALSE(winograd_applies(64, 64, 16, 16, 1, 1, 1, true));
  // conv2d with bias on a batch of two: each image as the reference, plus the bias.
  const int64_t cin = 32, cout = 32, h = 10, w = 6;
  Tensor x({2, cin, h, w}), k({cout, cin, 3, 3}), b({cout});
  x.data = random_values(x.numel(), 3);
  k.data = random_values(k.numel(), 4);
  b.data = random_values(b.numel(), 5);
  const Tensor y = conv2d(x, k, &b, 1, Conv2dPadding::same(1));
  ASSERT_EQ(y.shape, (Shape{2, cout, h, w}));
  for (int64_t n = 0; n < 2; ++n) {
    const std::vector<float> xn(x.data.begin() + n * cin * h * w, x.data.begin() + (n + 1) * cin * h * w);
    std::vector<double> want = reference(xn, cin, h, w, k.data, cout);
    for (int64_t o = 0; o < cout; ++o)
      for (int64_t p = 0; p < h * w; ++p) want[o * h * w + p] += b.data[o];
    EXPECT_LT(relative_max_error(y.ptr() + n * cout * h * w, want), 2e-6) << "image " << n;
  }
}

}  // namespace
}  // namespace vs::nn
