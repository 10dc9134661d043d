// The blocked GEMM against a double-precision reference, over shapes that hit every edge:
// rows below, at and above the register tile and the row block, columns off the panel
// width, depth across several K blocks, one or two threads.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <vector>

#include "core/error.h"
#include "core/nn/gemm.h"
#include "core/nn/gemm_rate.h"
#include "core/nn/linear.h"
#include "tests/nn/random_values.h"

namespace vs::nn {
namespace {

// max |C - reference| / (1 + max |reference|)
double relative_max_error(const std::vector<float>& got, const std::vector<double>& want) {
  double err = 0, scale = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    err = std::max(err, std::abs(double(got[i]) - want[i]));
    scale = std::max(scale, std::abs(want[i]));
  }
  return err / (1.0 + scale);
}

struct Dims {
  int64_t M, N, K;
};
const Dims kShapes[] = {{1, 1, 1},    {1, 45, 77},   {3, 33, 300},  {4, 64, 256},  {5, 31, 513},
                        {14, 32, 256}, {15, 65, 100}, {29, 96, 257}, {100, 130, 600}, {400, 70, 40},
                        {513, 40, 33}, {64, 2730, 20}};

class GemmThreads : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    saved_ = omp_get_max_threads();
    omp_set_num_threads(GetParam());
  }
  void TearDown() override { omp_set_num_threads(saved_); }
  int saved_ = 1;
};

TEST_P(GemmThreads, PackedWeightTimesRowsMatchesReference) {
  for (const Dims& d : kShapes) {
    const std::vector<float> a = random_values(d.M * d.K, 1), w = random_values(d.N * d.K, 2),
                             bias = random_values(d.N, 3);
    const PackedWeight packed(w.data(), d.N, d.K);
    std::vector<float> c(static_cast<size_t>(d.M * d.N), 99.0f);  // overwritten, never accumulated into
    gemm_packed(d.M, a.data(), d.K, packed, bias.data(), c.data(), d.N);
    std::vector<double> want(size_t(d.M * d.N));
    for (int64_t i = 0; i < d.M; ++i)
      for (int64_t j = 0; j < d.N; ++j) {
        double s = bias[j];
        for (int64_t k = 0; k < d.K; ++k) s += double(a[i * d.K + k]) * w[j * d.K + k];
        want[i * d.N + j] = s;
      }
    EXPECT_LT(relative_max_error(c, want), 1e-5) << d.M << "x" << d.N << "x" << d.K;
  }
}

TEST_P(GemmThreads, RowMajorProductMatchesReferenceWithStrides) {
  for (const Dims& d : kShapes) {
    const int64_t lda = d.K + 3, ldb = d.N + 5, ldc = d.N + 7;  // padded rows: strides honoured
    const std::vector<float> a = random_values(d.M * lda, 4), b = random_values(d.K * ldb, 5);
    std::vector<float> c(size_t(d.M * ldc), 7.0f);
    gemm(d.M, d.N, d.K, a.data(), lda, b.data(), ldb, c.data(), ldc);
    std::vector<float> got(size_t(d.M * d.N));
    std::vector<double> want(size_t(d.M * d.N));
    for (int64_t i = 0; i < d.M; ++i) {
      for (int64_t j = 0; j < d.N; ++j) {
        double s = 0;
        for (int64_t k = 0; k < d.K; ++k) s += double(a[i * lda + k]) * b[k * ldb + j];
        want[i * d.N + j] = s;
        got[i * d.N + j] = c[i * ldc + j];
      }
      for (int64_t j = d.N; j < ldc; ++j) ASSERT_EQ(c[i * ldc + j], 7.0f) << "wrote past column N";
    }
    EXPECT_LT(relative_max_error(got, want), 1e-5) << d.M << "x" << d.N << "x" << d.K;
  }
}

INSTANTIATE_TEST_SUITE_P(OneAndTwo, GemmThreads, ::testing::Values(1, 2));

TEST(PackedWeight, UnpackRestoresTheWeight) {
  const std::vector<float> w = random_values(70 * 33, 6);
  Tensor t({70, 33});
  t.data = w;
  const PackedWeight packed(t);
  EXPECT_EQ(packed.shape(), (Shape{70, 33}));
  EXPECT_EQ(packed.unpack().data, w);
  EXPECT_THROW(PackedWeight(Tensor({2, 3, 4})), Error);
}

TEST(PackedWeight, LinearEqualsTheUnpackedLinear) {
  Tensor x({2, 9, 40}), w({50, 40}), b({50});
  x.data = random_values(x.numel(), 7);
  w.data = random_values(w.numel(), 8);
  b.data = random_values(b.numel(), 9);
  const Tensor want = linear(x, w, &b);
  const Tensor got = linear(x, PackedWeight(w), &b);
  ASSERT_EQ(got.shape, (Shape{2, 9, 50}));
  for (int64_t i = 0; i < got.numel(); ++i) EXPECT_NEAR(got.data[i], want.data[i], 1e-5);
  EXPECT_THROW(linear(Tensor({3, 41}), PackedWeight(w), &b), Error);
  EXPECT_THROW(linear(x, PackedWeight(w), &x), Error);
}

// Rows are independent of how many rows share the call (tiles, thread split, few-row
// path): the guided FlowAR steps batch the conditional and null rows and rely on it.
TEST(Gemm, RowResultsDoNotDependOnTheBatch) {
  const int64_t K = 300, N = 70;
  const std::vector<float> a = random_values(40 * K, 10), w = random_values(N * K, 11);
  const PackedWeight packed(w.data(), N, K);
  std::vector<float> all(static_cast<size_t>(40 * N)), one(static_cast<size_t>(N));
  gemm_packed(40, a.data(), K, packed, nullptr, all.data(), N);
  for (int64_t r : {0, 13, 39}) {
    gemm_packed(1, a.data() + r * K, K, packed, nullptr, one.data(), N);
    for (int64_t j = 0; j < N; ++j) ASSERT_EQ(one[j], all[r * N + j]) << r << "," << j;
  }
}

TEST(Gemm, RateIsMeasuredAndBadSizesRefused) {
  EXPECT_GT(measure_packed_gemm_gflops(20, 40, 30, 2), 0.0);
  EXPECT_THROW(measure_packed_gemm_gflops(0, 40, 30, 2), Error);
  EXPECT_THROW(measure_packed_gemm_gflops(20, 40, 30, 0), Error);
}

}  // namespace
}  // namespace vs::nn
