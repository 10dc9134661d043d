// The generators of random/rng.h: splitmix64 against its published vectors, xoshiro256**
// against an independent implementation, and every stream pinned to the numbers it gave
// before the generators were gathered here, so that a seed keeps giving the same image.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/random/rng.h"

namespace vs::random {
namespace {

TEST(Rng, SplitMix64MatchesPublishedVectors) {
  uint64_t state = 0;
  EXPECT_EQ(splitmix64(state), 0xE220A8397B1DCDAFull);
  EXPECT_EQ(splitmix64(state), 0x6E789E6AA1B965F4ull);
  EXPECT_EQ(splitmix64(state), 0x06C45D188009454Full);
}

TEST(Rng, PinnedSequence) {
  // From an independent Python implementation of the documented seeding + xoshiro256**
  // (which reproduces the reference outputs 11520, 0, 1509978240 for state {1,2,3,4}).
  Rng rng(42, 0);
  EXPECT_EQ(rng.next_u64(), 0xBE15272CDF80B6C2ull);
  EXPECT_EQ(rng.next_u64(), 0xAF6E2EE49FF5D0E3ull);
  EXPECT_EQ(rng.next_u64(), 0xCA56EDD0338A318Full);
  EXPECT_DOUBLE_EQ(rng.uniform(), 0.286223521708671);
}

TEST(Rng, StreamsAndSeedsDifferAndRepeat) {
  Rng a(7, 0), b(7, 0), c(7, 1), d(8, 0);
  for (int i = 0; i < 4; ++i) {
    const uint64_t x = a.next_u64();
    EXPECT_EQ(x, b.next_u64());
    EXPECT_NE(x, c.next_u64());
    EXPECT_NE(x, d.next_u64());
  }
}

TEST(Rng, DistributionMoments) {
  Rng rng(3);
  const int n = 200000;
  double su = 0, se = 0, sg = 0, umin = 1, umax = 0;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform();
    umin = std::min(umin, u);
    umax = std::max(umax, u);
    su += u;
    se += rng.exponential();
    sg += rng.gumbel();
  }
  EXPECT_GT(umin, 0.0);
  EXPECT_LT(umax, 1.0);
  EXPECT_NEAR(su / n, 0.5, 0.005);
  EXPECT_NEAR(se / n, 1.0, 0.01);
  EXPECT_NEAR(sg / n, 0.5772156649, 0.01);  // Euler–Mascheroni
}

TEST(OmegaNormals, PinnedSequence) {
  // Performer's ω for seed 1 (attention/performer.cpp) before the move.
  OmegaNormals omega(1);
  EXPECT_DOUBLE_EQ(omega.next_normal(), -1.5452228371402943);
  EXPECT_DOUBLE_EQ(omega.next_normal(), -0.19951530557849143);
  EXPECT_DOUBLE_EQ(omega.next_normal(), -1.0136476397283942);
}

TEST(OmegaNormals, SameSeedRepeatsOtherSeedDiffers) {
  OmegaNormals a(7), b(7), c(8);
  for (int i = 0; i < 100; ++i) {
    const double x = a.next_normal();
    EXPECT_EQ(x, b.next_normal());
    EXPECT_NE(x, c.next_normal());
  }
}

}  // namespace
}  // namespace vs::random
