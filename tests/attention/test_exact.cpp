// `exact` against the dense double-precision reference (naive_reference.h) and against a
// dense mask built here from the definition of each structure (theory §1.3).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/attention/attention.h"
#include "core/attention/naive_reference.h"

namespace vs::attention {
namespace {

Tensor random_tensor(Shape shape, std::mt19937& rng, float bound) {
  Tensor t(std::move(shape));
  std::uniform_real_distribution<float> dist(-bound, bound);
  for (float& x : t.data) x = dist(rng);
  return t;
}

struct Case {
  int64_t heads, lq, lk, d, dv;
  Structure structure;
  float bound = 1.0f;
  float scale = -1.0f;
};

// Max |a − b| over all entries, relative to max |b| (at least 1).
double relative_max_error(const std::vector<float>& a, const std::vector<double>& b) {
  EXPECT_EQ(a.size(), b.size());
  double err = 0, ref = 1;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    EXPECT_TRUE(std::isfinite(a[i])) << "entry " << i;
    err = std::max(err, std::abs(double(a[i]) - b[i]));
    ref = std::max(ref, std::abs(b[i]));
  }
  return err / ref;
}

void expect_matches_naive(const Case& c, uint32_t seed, double tolerance = 2e-5) {
  std::mt19937 rng(seed);
  const Tensor q = random_tensor({c.heads, c.lq, c.d}, rng, c.bound);
  const Tensor k = random_tensor({c.heads, c.lk, c.d}, rng, c.bound);
  const Tensor v = random_tensor({c.heads, c.lk, c.dv}, rng, 1.0f);
  Options options;
  options.scale = c.scale;
  const Result result = make_variant("exact")->run(q, k, v, c.structure, options);
  ASSERT_EQ(result.out.shape, (Shape{c.heads, c.lq, c.dv}));
  const NaiveResult naive = naive_attention(q, k, v, c.structure, resolved_scale(options, c.d));
  EXPECT_LT(relative_max_error(result.out.data, naive.out), tolerance)
      << c.structure.describe() << " H=" << c.heads << " Lq=" << c.lq << " Lk=" << c.lk
      << " d=" << c.d << " dv=" << c.dv;
}

// Structures, the KV-cache step, L = 1, odd dims and the side-16 pyramid are in the contract
// (test_variant_contract.cpp). Here: the shapes its layouts do not reach, picked for this
// file's 128-row x 512-key tiles and wider heads.
TEST(ExactAttention, TileEdgesAndWideHeadsMatchNaive) {
  expect_matches_naive({1, 1100, 1100, 64, 64, Structure::plain()}, 2);  // three key tiles
  expect_matches_naive({1, 700, 700, 32, 16, Structure::causal()}, 4);   // diagonal crosses key tiles
  expect_matches_naive(
      {1, 1 + 900 + 1600, 1 + 900 + 1600, 16, 16, Structure::block_causal({1, 30, 40})}, 7);
  expect_matches_naive({2, 7, 500, 16, 16, Structure::plain()}, 8);  // a few queries, many keys
  expect_matches_naive({2, 513, 513, 3, 7, Structure::causal()}, 17);     // one past a key tile
  expect_matches_naive({1, 129, 1025, 5, 2, Structure::plain()}, 18);     // one past both tiles
  expect_matches_naive({2, 14, 14, 9, 1, Structure::block_causal({1, 2, 3})}, 19);
}

TEST(ExactAttention, LargeLogitsStayFinite) {
  // Logits up to ±2000: exp would overflow without the running-max shift. The tolerance
  // reflects float logits of that size (a few ulp of 2000 ≈ 1e-3 relative on p).
  expect_matches_naive({1, 300, 700, 8, 8, Structure::plain(), 1.0f, 250.0f}, 20, 5e-3);
  expect_matches_naive({1, 600, 600, 8, 8, Structure::causal(), 1.0f, 250.0f}, 21, 5e-3);
  expect_matches_naive({1, 30, 30, 4, 4, Structure::block_causal({1, 2, 5}), 1.0f, 1000.0f}, 22,
                       5e-3);
}

// Builds the block-causal mask from its definition M_ij = [scale(i) >= scale(j)] for the
// full sequence (theory §1.3), without Structure.
std::vector<int> scale_of_token(const std::vector<int>& sides) {
  std::vector<int> scale;
  for (size_t s = 0; s < sides.size(); ++s)
    for (int t = 0; t < sides[s] * sides[s]; ++t) scale.push_back(int(s));
  return scale;
}

TEST(ExactAttention, BlockCausalEqualsExplicitlyMaskedDense) {
  const std::vector<int> sides{1, 2, 3, 4, 6, 9};
  const std::vector<int> scale = scale_of_token(sides);
  const int64_t L = int64_t(scale.size()), d = 8, H = 2;
  std::mt19937 rng(24);
  const Tensor q = random_tensor({H, L, d}, rng, 1), k = random_tensor({H, L, d}, rng, 1);
  const Tensor v = random_tensor({H, L, d}, rng, 1);
  Options options;
  options.capture_probs = true;
  options.prob_row_begin = 0;
  options.prob_row_end = L;
  const Result result =
      make_variant("exact")->run(q, k, v, Structure::block_causal(sides), options);
  const double tau = 1.0 / std::sqrt(double(d));
  for (int64_t h = 0; h < H; ++h) {
    for (int64_t i = 0; i < L; ++i) {
      std::vector<double> a(L, 0.0);  // A_ij = exp(τ q·k) ∘ M, unshifted: logits are small
      double row_sum = 0;
      for (int64_t j = 0; j < L; ++j) {
        if (scale[i] < scale[j]) continue;
        double dot = 0;
        for (int64_t c = 0; c < d; ++c)
          dot += double(q.data[(h * L + i) * d + c]) * k.data[(h * L + j) * d + c];
        row_sum += a[j] = std::exp(tau * dot);
      }
      for (int64_t j = 0; j < L; ++j) {
        const float p = result.probs.data[(h * L + i) * L + j];
        if (scale[i] < scale[j]) {
          EXPECT_EQ(p, 0.0f) << "masked entry (" << i << ", " << j << ")";
        } else {
          EXPECT_NEAR(p, a[j] / row_sum, 1e-6) << "(" << i << ", " << j << ")";
        }
      }
      for (int64_t c = 0; c < d; ++c) {
        double o = 0;
        for (int64_t j = 0; j < L; ++j) o += a[j] / row_sum * v.data[(h * L + j) * d + c];
        EXPECT_NEAR(result.out.data[(h * L + i) * d + c], o, 2e-6);
      }
    }
  }
}

TEST(ExactAttention, ReportsMaxAbsLogit) {
  std::mt19937 rng(27);
  const int64_t L = 300, d = 8;
  const Tensor q = random_tensor({2, L, d}, rng, 1), k = random_tensor({2, L, d}, rng, 1);
  const Structure structure = Structure::causal();
  const Result result = make_variant("exact")->run(q, k, k, structure, Options{});
  double beta = 0;  // over visible pairs only
  for (int64_t h = 0; h < 2; ++h)
    for (int64_t i = 0; i < L; ++i)
      for (int64_t j = 0; j <= i; ++j) {
        double dot = 0;
        for (int64_t c = 0; c < d; ++c)
          dot += double(q.data[(h * L + i) * d + c]) * k.data[(h * L + j) * d + c];
        beta = std::max(beta, std::abs(dot) / std::sqrt(double(d)));
      }
  ASSERT_TRUE(result.stats.count("max_abs_logit"));
  EXPECT_NEAR(result.stats.at("max_abs_logit"), beta, 1e-5 * beta);
}

}  // namespace
}  // namespace vs::attention
