// F16 / BF16 conversion against independent references: widening against ldexp of the
// IEEE fields, narrowing against a search for the nearest representable value.
#include "core/io/half.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace vs::io {
namespace {

// binary16 value from its fields, by the IEEE 754 definition.
double f16_reference(uint16_t h) {
  const int sign = (h >> 15) ? -1 : 1;
  const int exponent = (h >> 10) & 0x1F;
  const int mantissa = h & 0x3FF;
  if (exponent == 0x1F) return mantissa ? NAN : sign * INFINITY;
  if (exponent == 0) return sign * std::ldexp(mantissa, -24);
  return sign * std::ldexp(1024 + mantissa, exponent - 25);
}

TEST(Half, KnownF16Patterns) {
  EXPECT_EQ(f16_to_float(0x3C00), 1.0f);
  EXPECT_EQ(f16_to_float(0xC000), -2.0f);
  EXPECT_EQ(f16_to_float(0x7BFF), 65504.0f);
  EXPECT_EQ(f16_to_float(0x0400), std::ldexp(1.0f, -14));   // smallest normal
  EXPECT_EQ(f16_to_float(0x0001), std::ldexp(1.0f, -24));   // smallest subnormal
  EXPECT_EQ(f16_to_float(0x03FF), std::ldexp(1023.0f, -24));  // largest subnormal
  EXPECT_EQ(f16_to_float(0x3555), 0.333251953125f);
  EXPECT_EQ(f16_to_float(0x7C00), INFINITY);
  EXPECT_EQ(f16_to_float(0xFC00), -INFINITY);
  EXPECT_TRUE(std::isnan(f16_to_float(0x7E00)));
  EXPECT_TRUE(std::isnan(f16_to_float(0x7C01)));  // signalling NaN stays NaN
  EXPECT_TRUE(std::signbit(f16_to_float(0x8000)));
  EXPECT_EQ(f16_to_float(0x8000), 0.0f);

  EXPECT_EQ(float_to_f16(1.0f), 0x3C00);
  EXPECT_EQ(float_to_f16(65504.0f), 0x7BFF);
  EXPECT_EQ(float_to_f16(65519.99f), 0x7BFF);
  EXPECT_EQ(float_to_f16(65520.0f), 0x7C00);  // the tie rounds to even: inf
  EXPECT_EQ(float_to_f16(1e10f), 0x7C00);
  EXPECT_EQ(float_to_f16(-1e10f), 0xFC00);
  EXPECT_EQ(float_to_f16(std::ldexp(1.0f, -25)), 0x0000);  // tie between 0 and 2^-24: even
  EXPECT_EQ(float_to_f16(std::nextafter(std::ldexp(1.0f, -25), 1.0f)), 0x0001);
  EXPECT_EQ(float_to_f16(std::ldexp(3.0f, -25)), 0x0002);  // tie 1.5 ulp: to even 2
  EXPECT_EQ(float_to_f16(-0.0f), 0x8000);
  EXPECT_EQ(float_to_f16(1e-30f), 0x0000);
  EXPECT_EQ(float_to_f16(INFINITY), 0x7C00);
  const uint16_t nan = float_to_f16(bits_float(0x7F800001u));  // payload only in low bits
  EXPECT_EQ(nan & 0x7C00, 0x7C00);
  EXPECT_NE(nan & 0x03FF, 0);
}

TEST(Half, EveryF16PatternWidensExactlyAndNarrowsBack) {
  for (uint32_t h = 0; h < 65536; ++h) {
    const float f = f16_to_float(static_cast<uint16_t>(h));
    const double ref = f16_reference(static_cast<uint16_t>(h));
    if (std::isnan(ref)) {
      ASSERT_TRUE(std::isnan(f)) << h;
      ASSERT_TRUE(std::isnan(f16_to_float(float_to_f16(f)))) << h;
      continue;
    }
    ASSERT_EQ(static_cast<double>(f), ref) << "pattern " << h;
    ASSERT_EQ(std::signbit(f), (h & 0x8000) != 0) << h;
    ASSERT_EQ(float_to_f16(f), h) << "pattern " << h;
  }
}

// Nearest binary16 to x (x >= 0, finite) by search; ties go to the even pattern.
uint16_t nearest_f16(double x, const std::vector<double>& positives) {
  if (x >= 65520.0) return 0x7C00;
  const auto it = std::lower_bound(positives.begin(), positives.end(), x);
  const size_t hi = static_cast<size_t>(it - positives.begin());
  if (hi == 0) return 0;
  if (hi == positives.size()) return static_cast<uint16_t>(hi - 1);
  const double d_lo = x - positives[hi - 1], d_hi = positives[hi] - x;
  if (d_lo < d_hi) return static_cast<uint16_t>(hi - 1);
  if (d_hi < d_lo) return static_cast<uint16_t>(hi);
  return static_cast<uint16_t>((hi % 2 == 0) ? hi : hi - 1);
}

TEST(Half, NarrowingRoundsToNearestEven) {
  std::vector<double> positives;  // index == bit pattern for 0x0000..0x7BFF
  for (uint32_t h = 0; h <= 0x7BFF; ++h) positives.push_back(f16_reference(static_cast<uint16_t>(h)));
  std::vector<float> samples;
  for (size_t i = 0; i + 1 < positives.size(); ++i) {
    const float mid = static_cast<float>((positives[i] + positives[i + 1]) / 2);  // exact
    samples.push_back(mid);
    samples.push_back(std::nextafter(mid, 0.0f));
    samples.push_back(std::nextafter(mid, INFINITY));
  }
  std::mt19937 rng(7);
  std::uniform_int_distribution<uint32_t> bits(0, 0x477FFFFFu);
  for (int i = 0; i < 200000; ++i) samples.push_back(bits_float(bits(rng)));
  for (float x : samples) {
    const uint16_t expected = nearest_f16(x, positives);
    ASSERT_EQ(float_to_f16(x), expected) << "x = " << x;
    ASSERT_EQ(float_to_f16(-x), expected | 0x8000) << "x = " << -x;
  }
}

TEST(Half, KnownBF16Patterns) {
  EXPECT_EQ(bf16_to_float(0x3F80), 1.0f);
  EXPECT_EQ(bf16_to_float(0x4049), 3.140625f);
  EXPECT_EQ(bf16_to_float(0xC000), -2.0f);
  EXPECT_EQ(bf16_to_float(0x0001), std::ldexp(1.0f, -133));  // smallest subnormal
  EXPECT_EQ(bf16_to_float(0x7F80), INFINITY);
  EXPECT_TRUE(std::isnan(bf16_to_float(0x7FC0)));
  EXPECT_EQ(float_to_bf16(bits_float(0x3F808000u)), 0x3F80);  // tie: to even
  EXPECT_EQ(float_to_bf16(bits_float(0x3F818000u)), 0x3F82);  // tie: to even
  EXPECT_EQ(float_to_bf16(bits_float(0x3F808001u)), 0x3F81);
  EXPECT_EQ(float_to_bf16(bits_float(0x3F807FFFu)), 0x3F80);
  EXPECT_EQ(float_to_bf16(bits_float(0x7F7FFFFFu)), 0x7F80);  // FLT_MAX rounds to inf
  EXPECT_EQ(float_to_bf16(-INFINITY), 0xFF80);
  EXPECT_TRUE(std::isnan(bf16_to_float(float_to_bf16(bits_float(0x7F800001u)))));
  EXPECT_TRUE(std::isnan(bf16_to_float(float_to_bf16(bits_float(0xFFFFFFFFu)))));
  for (uint32_t b = 0; b < 65536; ++b) {
    const float f = bf16_to_float(static_cast<uint16_t>(b));
    if (std::isnan(f)) continue;
    ASSERT_EQ(float_bits(f), b << 16);
    ASSERT_EQ(float_to_bf16(f), b) << b;
  }
}

}  // namespace
}  // namespace vs::io
