// bfloat16 weights: packing (round to nearest even, half the bytes) and every kernel
// (bf16_kernel.h) against a double-precision reference, over the edge shapes of test_gemm
// and more whose input size is a multiple of 32 (the AMX kernel's; others fall back).
//
// Documented tolerance, per output C[i][j] against the float32 product with the same
// inputs, with S = bias + Σ_k |A[i][k]·W[j][k]| (the sum of magnitudes):
//   widening kernel (W rounded, A exact):      |C − C_fp32| ≤ (2⁻⁹ + 1e-5) · S
//   AVX512_BF16 and AMX kernels (W and A both rounded): |C − C_fp32| ≤ (2⁻⁸ + 1e-5) · S
// Rounding to bfloat16 is off by at most 2⁻⁹ relative, so a product of two rounded values
// by at most 2⁻⁸ (+2⁻¹⁸); 1e-5 covers the float32 summation. Against the exact product
// of the rounded inputs both kernels are within 1e-5 · S.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <vector>

#include "core/error.h"
#include "core/io/half.h"
#include "core/nn/gemm.h"
#include "core/nn/bf16_kernel.h"
#include "core/nn/linear.h"
#include "tests/nn/random_values.h"

namespace vs::nn {
namespace {

struct Dims {
  int64_t M, N, K;
};
const Dims kShapes[] = {{1, 1, 1},     {1, 45, 77},   {3, 33, 300},    {4, 64, 256},  {5, 31, 513},
                        {14, 32, 256}, {15, 65, 101}, {29, 96, 257},   {100, 130, 600}, {400, 70, 40},
                        {513, 40, 33}, {64, 2730, 20}, {57, 64, 1100}, {1, 45, 64},    {33, 70, 96},
                        {300, 65, 544}, {513, 40, 32}, {2, 1024, 1024}};

float round_bf16(float x) { return io::bf16_to_float(io::float_to_bf16(x)); }

// The kernel (forced) and thread count under test.
class Bf16Gemm : public ::testing::TestWithParam<std::tuple<Bf16Kernel, int>> {
 protected:
  void SetUp() override {
    saved_threads_ = omp_get_max_threads();
    omp_set_num_threads(std::get<1>(GetParam()));
    if (!bf16_kernel_available(kernel())) GTEST_SKIP() << bf16_kernel_name(kernel()) << " does not run here";
    force_bf16_kernel(kernel());
  }
  void TearDown() override {
    force_bf16_kernel(Bf16Kernel::kAuto);
    omp_set_num_threads(saved_threads_);
  }
  static Bf16Kernel kernel() { return std::get<0>(GetParam()); }
  // Whether the kernel that runs a weight of K inputs rounds the activations too.
  static bool rounds_activations(int64_t K) { return bf16_kernel_for(K) != Bf16Kernel::kWiden; }
  int saved_threads_ = 1;
};

TEST_P(Bf16Gemm, RunsTheKernelAsked) {
  EXPECT_STREQ(gemm_bf16_kernel_name(), bf16_kernel_name(kernel()));
  // AMX takes inputs in steps of 32; another size falls back to the next kernel.
  EXPECT_NE(bf16_kernel_for(33), Bf16Kernel::kAmx);
}

TEST_P(Bf16Gemm, WithinTheDocumentedToleranceOfFloat32) {
  for (const Dims& d : kShapes) {
    const bool dot = rounds_activations(d.K);
    const double fp32_bound = dot ? std::ldexp(1.0, -8) : std::ldexp(1.0, -9);
    const std::vector<float> a = random_values(d.M * d.K, 1), w = random_values(d.N * d.K, 2),
                             bias = random_values(d.N, 3);
    const PackedWeight packed(w.data(), d.N, d.K, WeightPrecision::kBf16);
    std::vector<float> c(static_cast<size_t>(d.M * d.N), 99.0f);  // overwritten, never accumulated into
    gemm_packed(d.M, a.data(), d.K, packed, bias.data(), c.data(), d.N);
    double worst_fp32 = 0, worst_rounded = 0;
    for (int64_t i = 0; i < d.M; ++i)
      for (int64_t j = 0; j < d.N; ++j) {
        double exact = bias[j], rounded = bias[j], magnitude = std::abs(bias[j]);
        for (int64_t k = 0; k < d.K; ++k) {
          const double x = a[i * d.K + k], y = w[j * d.K + k];
          exact += x * y;
          rounded += double(dot ? round_bf16(float(x)) : x) * round_bf16(float(y));
          magnitude += std::abs(x * y);
        }
        const double got = c[i * d.N + j];
        worst_fp32 = std::max(worst_fp32, std::abs(got - exact) / magnitude);
        worst_rounded = std::max(worst_rounded, std::abs(got - rounded) / magnitude);
      }
    EXPECT_LE(worst_fp32, fp32_bound + 1e-5) << d.M << "x" << d.N << "x" << d.K;
    EXPECT_LE(worst_rounded, 1e-5) << d.M << "x" << d.N << "x" << d.K;
    // Rounding must show: a kernel that secretly kept float32 would not be bfloat16.
    if (d.K >= 256) {
      EXPECT_GT(worst_fp32, 1e-5) << d.M << "x" << d.N << "x" << d.K;
    }
  }
}

TEST_P(Bf16Gemm, LinearEqualsTheProductWithTheWidenedWeight) {
  const std::vector<float> wv = random_values(70 * 90, 4), xv = random_values(3 * 6 * 90, 5);
  Tensor w({70, 90}), x({3, 6, 90}), b({70});
  w.data = wv;
  x.data = xv;
  b.data = random_values(70, 6);
  const PackedWeight packed(w, WeightPrecision::kBf16);
  const Tensor got = linear(x, packed, &b);
  Tensor rounded_x = x;
  if (rounds_activations(90))
    for (float& v : rounded_x.data) v = round_bf16(v);
  const Tensor want = linear(rounded_x, packed.unpack(), &b);
  ASSERT_EQ(got.shape, (Shape{3, 6, 70}));
  for (size_t i = 0; i < got.data.size(); ++i) EXPECT_NEAR(got.data[i], want.data[i], 1e-4) << i;
}

INSTANTIATE_TEST_SUITE_P(KernelsAndThreads, Bf16Gemm,
                         ::testing::Combine(::testing::Values(Bf16Kernel::kWiden, Bf16Kernel::kAvx512Bf16,
                                                              Bf16Kernel::kAmx),
                                            ::testing::Values(1, 2)),
                         [](const auto& info) {
                           return std::string(bf16_kernel_name(std::get<0>(info.param))) + "_" +
                                  std::to_string(std::get<1>(info.param)) + "Threads";
                         });

TEST(Bf16Kernels, AnUnavailableKernelCannotBeForced) {
  for (Bf16Kernel k : {Bf16Kernel::kAvx512Bf16, Bf16Kernel::kAmx})
    if (!bf16_kernel_available(k)) {
      EXPECT_THROW(force_bf16_kernel(k), Error);
    }
  EXPECT_TRUE(bf16_kernel_available(Bf16Kernel::kWiden));
  force_bf16_kernel(Bf16Kernel::kAuto);
  EXPECT_NE(bf16_kernel_for(64), Bf16Kernel::kAuto);
}

TEST(Bf16PackedWeight, RoundsToNearestEvenAndHalvesTheBytes) {
  // 1 + 2⁻⁸ lies halfway between bfloat16 1 and 1 + 2⁻⁷: ties go to the even 1.
  // 1 + 3·2⁻⁸ lies halfway between 1 + 2⁻⁷ and 1 + 2⁻⁶: ties go to the even 1 + 2⁻⁶.
  // Just above a tie rounds up; -0 and a value beyond float32's bfloat16 range stay exact in sign.
  const std::vector<float> w{1.0f + std::ldexp(1.0f, -8), 1.0f + 3 * std::ldexp(1.0f, -8),
                             1.0f + std::ldexp(1.0f, -8) + std::ldexp(1.0f, -20), -0.0f, -2.5f, 1e-30f};
  const PackedWeight packed(w.data(), 2, 3, WeightPrecision::kBf16);
  EXPECT_EQ(packed.precision(), WeightPrecision::kBf16);
  const Tensor back = packed.unpack();
  ASSERT_EQ(back.shape, (Shape{2, 3}));
  EXPECT_EQ(back.data[0], 1.0f);
  EXPECT_EQ(back.data[1], 1.0f + std::ldexp(1.0f, -6));
  EXPECT_EQ(back.data[2], 1.0f + std::ldexp(1.0f, -7));
  EXPECT_TRUE(std::signbit(back.data[3]) && back.data[3] == 0.0f);
  EXPECT_EQ(back.data[4], -2.5f);
  EXPECT_EQ(back.data[5], round_bf16(1e-30f));

  const std::vector<float> big = random_values(1024 * 768, 7);
  const PackedWeight fp32(big.data(), 1024, 768), bf16(big.data(), 1024, 768, WeightPrecision::kBf16);
  EXPECT_EQ(fp32.bytes(), 1024 * 768 * 4);
  EXPECT_EQ(bf16.bytes(), fp32.bytes() / 2);
  // Odd shapes are padded to whole panels and pairs, never more than one panel of 32 pairs.
  const PackedWeight odd(big.data(), 33, 7, WeightPrecision::kBf16);
  EXPECT_EQ(odd.bytes(), 2 * 4 * 32 * 2 * 2);
  const Tensor odd_back = odd.unpack();
  for (int64_t i = 0; i < 33 * 7; ++i) EXPECT_EQ(odd_back.data[size_t(i)], round_bf16(big[size_t(i)])) << i;
}

TEST(Bf16PackedWeight, Float32StaysTheDefault) {
  const std::vector<float> w = random_values(12, 8);
  const PackedWeight packed(w.data(), 3, 4);
  EXPECT_EQ(packed.precision(), WeightPrecision::kFp32);
  EXPECT_EQ(packed.unpack().data, w);
}

}  // namespace
}  // namespace vs::nn
