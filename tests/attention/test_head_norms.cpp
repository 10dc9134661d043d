// head_norms against a brute-force double loop over the visible (query, key) pairs.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/attention/head_norms.h"
#include "core/attention/pyramid.h"
#include "core/error.h"

namespace vs::attention {
namespace {

Tensor random_tensor(Shape shape, float bound, uint32_t seed) {
  Tensor t(std::move(shape));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(-bound, bound);
  for (float& x : t.data) x = uniform(rng);
  return t;
}

struct Brute {
  double max_abs_q = 0, max_abs_k = 0, beta = 0;
};
Brute brute_force(const Tensor& q, const Tensor& k, const Structure& s, int64_t h, double scale) {
  const int64_t Lq = q.dim(1), Lk = k.dim(1), d = q.dim(2);
  Brute b;
  for (int64_t i = 0; i < Lq * d; ++i) b.max_abs_q = std::max(b.max_abs_q, double(std::fabs(q.data[h * Lq * d + i])));
  for (int64_t i = 0; i < Lk * d; ++i) b.max_abs_k = std::max(b.max_abs_k, double(std::fabs(k.data[h * Lk * d + i])));
  for (int64_t i = 0; i < Lq; ++i)
    for (int64_t j = 0; j < s.visible_keys(i, Lq, Lk); ++j) {
      double dot = 0;
      for (int64_t c = 0; c < d; ++c) dot += double(q.data[(h * Lq + i) * d + c]) * k.data[(h * Lk + j) * d + c];
      b.beta = std::max(b.beta, std::fabs(scale * dot));
    }
  return b;
}

TEST(HeadNorms, MatchBruteForceForEveryStructure) {
  const std::vector<int> sides{1, 2, 3, 4, 5, 6, 8, 10, 13};  // L = 424: several blocks
  const int64_t L = pyramid_tokens(sides), d = 16;
  const Tensor q = random_tensor({3, L, d}, 1.5f, 1), k = random_tensor({3, L, d}, 1.5f, 2);
  for (const Structure& s : {Structure::plain(), Structure::causal(), Structure::block_causal(sides)}) {
    const std::vector<HeadNorms> norms = head_norms(q, k, s, -1);  // 1/√d
    ASSERT_EQ(norms.size(), 3u);
    for (int64_t h = 0; h < 3; ++h) {
      SCOPED_TRACE(s.describe() + " head " + std::to_string(h));
      const Brute b = brute_force(q, k, s, h, 0.25);
      EXPECT_EQ(norms[h].max_abs_q, b.max_abs_q);
      EXPECT_EQ(norms[h].max_abs_k, b.max_abs_k);
      EXPECT_EQ(norms[h].r_qk, std::max(b.max_abs_q, b.max_abs_k));
      EXPECT_NEAR(norms[h].beta, b.beta, 1e-5 * b.beta);
      EXPECT_NEAR(norms[h].b_eff, std::sqrt(b.beta), 1e-5);
      EXPECT_NEAR(norms[h].threshold, std::sqrt(std::log(double(L))), 1e-12);
      EXPECT_NEAR(norms[h].ratio, norms[h].b_eff / norms[h].threshold, 1e-12);
      EXPECT_EQ(norms[h].zone, theory::zone_for_ratio(norms[h].ratio));
    }
  }
}

TEST(HeadNorms, TilesBeyond2048KeysAreMaskedCorrectly) {
  const int64_t L = 2100, d = 4;
  Tensor q = random_tensor({1, L, d}, 0.1f, 7), k = random_tensor({1, L, d}, 0.1f, 8);
  auto set = [](Tensor& t, int64_t row, float value) {
    for (int64_t c = 0; c < 4; ++c) t.data[row * 4 + c] = value;
  };
  set(q, 2050, 5.0f);  // · key 2060 = 100, but row 2050 may not see key 2060
  set(k, 2060, 5.0f);
  set(k, 2049, 3.0f);  // · query 2050 = 60: the largest visible logit
  const std::vector<HeadNorms> causal = head_norms(q, k, Structure::causal(), 1.0);
  EXPECT_NEAR(causal[0].beta, brute_force(q, k, Structure::causal(), 0, 1.0).beta, 1e-5);
  EXPECT_NEAR(causal[0].beta, 60, 1e-4);
  const std::vector<int> sides = var_pyramid(48);  // L = 3972
  const int64_t L48 = pyramid_tokens(sides);
  const Tensor q48 = random_tensor({1, L48, d}, 1.0f, 9), k48 = random_tensor({1, L48, d}, 1.0f, 10);
  const Structure block = Structure::block_causal(sides);
  EXPECT_NEAR(head_norms(q48, k48, block, 0.5)[0].beta, brute_force(q48, k48, block, 0, 0.5).beta, 1e-5);
}

TEST(HeadNorms, MaskedPairsDoNotCount) {
  // The largest logit sits on a pair the mask hides (query 0 with the last key).
  Tensor q({1, 4, 1}), k({1, 4, 1});
  q.data = {10, 1, 1, 1};
  k.data = {1, 1, 1, 10};
  const double scale = 1;
  EXPECT_DOUBLE_EQ(head_norms(q, k, Structure::causal(), scale)[0].beta, 10);
  EXPECT_DOUBLE_EQ(head_norms(q, k, Structure::block_causal({1, 1, 1, 1}), scale)[0].beta, 10);
  EXPECT_DOUBLE_EQ(head_norms(q, k, Structure::plain(), scale)[0].beta, 100);
}

TEST(HeadNorms, KvCacheStepUsesTheKeyCountForTheThreshold) {
  const std::vector<int> sides{1, 2, 3, 4};
  const int64_t L = pyramid_tokens(sides);
  const Tensor q = random_tensor({2, 16, 8}, 1.0f, 3), k = random_tensor({2, L, 8}, 1.0f, 4);
  const Structure s = Structure::block_causal(sides);
  const std::vector<HeadNorms> norms = head_norms(q, k, s, 0.3);
  for (int64_t h = 0; h < 2; ++h) {
    EXPECT_NEAR(norms[h].beta, brute_force(q, k, s, h, 0.3).beta, 1e-5);
    EXPECT_NEAR(norms[h].threshold, std::sqrt(std::log(double(L))), 1e-12);
  }
}

TEST(HeadNorms, ZonesFollowTheRatio) {
  // One key per head and one query: β = |q·k|·scale exactly.
  Tensor q({3, 1, 1}), k({3, 5, 1});
  q.data = {0.1f, 1.0f, 3.0f};
  for (int64_t h = 0; h < 3; ++h)
    for (int j = 0; j < 5; ++j) k.data[h * 5 + j] = j == 0 ? 1.0f : 0.0f;
  const std::vector<HeadNorms> norms = head_norms(q, k, Structure::plain(), 1.0);
  // √ln 5 = 1.269; B_eff = √0.1 = 0.32, 1, 1.73.
  EXPECT_EQ(norms[0].zone, theory::Zone::kProvablyFast);
  EXPECT_EQ(norms[1].zone, theory::Zone::kGreyBand);
  EXPECT_EQ(norms[2].zone, theory::Zone::kSethHard);
}

TEST(HeadNorms, OneKeyHasNoThreshold) {
  const Tensor q = random_tensor({1, 1, 4}, 1.0f, 5), k = random_tensor({1, 1, 4}, 1.0f, 6);
  const HeadNorms n = head_norms(q, k, Structure::block_causal({1}), -1)[0];
  EXPECT_EQ(n.threshold, 0.0);
  EXPECT_TRUE(std::isnan(n.ratio));
  EXPECT_EQ(n.zone, theory::Zone::kUndefined);
}

TEST(HeadNorms, BadShapesThrow) {
  EXPECT_THROW(head_norms(Tensor({2, 4, 8}), Tensor({2, 4, 4}), Structure::plain(), -1), Error);
  EXPECT_THROW(head_norms(Tensor({2, 4, 8}), Tensor({3, 4, 8}), Structure::plain(), -1), Error);
  EXPECT_THROW(head_norms(Tensor({4, 8}), Tensor({4, 8}), Structure::plain(), -1), Error);
  EXPECT_THROW(head_norms(Tensor({1, 4, 8}), Tensor({1, 4, 8}), Structure::block_causal({1, 2}), -1), Error);
}

}  // namespace
}  // namespace vs::attention
