// Random weights (random/random_normal.h): pinned to the values they had before the
// move, the same for any thread count, and N(0, stddev²) in their first two moments.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>

#include "core/random/random_normal.h"

namespace vs::random {
namespace {

TEST(RandomNormal, PinnedValuesAcrossChunks) {
  const Tensor t = random_normal({70000}, 0.02f, 9, 3);  // two chunks of 2^16
  EXPECT_FLOAT_EQ(t.data[0], -0.00930441357f);
  EXPECT_FLOAT_EQ(t.data[1], 0.0161205903f);
  EXPECT_FLOAT_EQ(t.data[65536], -0.0104124704f);
  EXPECT_FLOAT_EQ(t.data[69999], 0.00645830482f);
}

TEST(RandomNormal, SameForAnyThreadCount) {
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const Tensor one = random_normal({3, 100001}, 1.0f, 5, 0);
  omp_set_num_threads(std::max(2, threads));
  const Tensor many = random_normal({3, 100001}, 1.0f, 5, 0);
  omp_set_num_threads(threads);
  EXPECT_EQ(one.data, many.data);
  EXPECT_NE(one.data, random_normal({3, 100001}, 1.0f, 5, 1).data);
}

TEST(RandomNormal, Moments) {
  const Tensor t = random_normal({200000}, 0.5f, 1, 2);
  double sum = 0, sq = 0;
  for (float x : t.data) sum += x, sq += double(x) * x;
  const double mean = sum / t.numel(), var = sq / t.numel() - mean * mean;
  EXPECT_NEAR(mean, 0.0, 0.005);
  EXPECT_NEAR(var, 0.25, 0.005);
}

}  // namespace
}  // namespace vs::random
