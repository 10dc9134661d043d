// The sampler's pieces against hand-computed cases (its generator is proven in
// tests/random/test_rng.cpp): CFG ramp and mix, top-k, top-p, the inverse-CDF draw and
// the Gumbel-softmax embedding.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "core/random/rng.h"
#include "core/var/token_sampling.h"

namespace {

using namespace vs::var;
using vs::random::Rng;
constexpr float kInf = std::numeric_limits<float>::infinity();

TEST(Cfg, RampAndMix) {
  EXPECT_DOUBLE_EQ(cfg_ramp(4.0, 0, 10), 0.0);
  EXPECT_DOUBLE_EQ(cfg_ramp(4.0, 9, 10), 4.0);
  EXPECT_DOUBLE_EQ(cfg_ramp(4.0, 3, 10), 4.0 / 3.0);
  EXPECT_DOUBLE_EQ(cfg_ramp(4.0, 0, 1), 0.0);
  const float cond[2] = {2.0f, -1.0f}, uncond[2] = {1.0f, 3.0f};
  float guided[2];
  cfg_mix(cond, uncond, guided, 2, 0.5);  // 1.5·c − 0.5·u
  EXPECT_FLOAT_EQ(guided[0], 2.5f);
  EXPECT_FLOAT_EQ(guided[1], -3.0f);
}

TEST(TopK, KeepsTiesAtThreshold) {
  std::vector<float> x = {1, 3, 2, 3, 0};
  mask_top_k(x.data(), 5, 2);
  EXPECT_EQ(x, (std::vector<float>{-kInf, 3, -kInf, 3, -kInf}));
  x = {1, 3, 2, 3, 0};
  mask_top_k(x.data(), 5, 3);
  EXPECT_EQ(x, (std::vector<float>{-kInf, 3, 2, 3, -kInf}));
  x = {1, 3, 2};
  mask_top_k(x.data(), 3, 0);  // off
  mask_top_k(x.data(), 3, 3);  // k = V: nothing to remove
  EXPECT_EQ(x, (std::vector<float>{1, 3, 2}));
}

TEST(TopP, RemovesLowMassTail) {
  // Probabilities 0.4, 0.1, 0.3, 0.2: ascending cumulative 0.1, 0.3, 0.6, 1.0.
  const std::vector<float> base = {std::log(0.4f), std::log(0.1f), std::log(0.3f), std::log(0.2f)};
  auto run = [&](double p) {
    std::vector<float> x = base;
    mask_top_p(x.data(), 4, p);
    std::vector<bool> kept;
    for (float v : x) kept.push_back(v != -kInf);
    return kept;
  };
  EXPECT_EQ(run(0.65), (std::vector<bool>{true, false, true, false}));  // remove cum <= 0.35
  EXPECT_EQ(run(0.5), (std::vector<bool>{true, false, true, false}));   // 0.6 > 0.5 survives
  EXPECT_EQ(run(0.8), (std::vector<bool>{true, false, true, true}));    // remove cum <= 0.2
  EXPECT_EQ(run(0.95), (std::vector<bool>{true, true, true, true}));
  EXPECT_EQ(run(0.01), (std::vector<bool>{true, false, false, false})); // the largest stays
  EXPECT_EQ(run(0.0), (std::vector<bool>{true, true, true, true}));     // off
}

TEST(TopKThenTopP, ComposeOnMaskedRow) {
  // After top-2 only 0.4 and 0.3 remain: renormalised 3/7, 4/7; p = 0.5 removes 3/7.
  std::vector<float> x = {std::log(0.4f), std::log(0.1f), std::log(0.3f), std::log(0.2f)};
  mask_top_k(x.data(), 4, 2);
  mask_top_p(x.data(), 4, 0.5);
  EXPECT_NE(x[0], -kInf);
  EXPECT_EQ(x[1], -kInf);
  EXPECT_EQ(x[2], -kInf);
  EXPECT_EQ(x[3], -kInf);
}

TEST(Draw, InverseCdfSkipsMasked) {
  const std::vector<float> x = {std::log(0.25f), -kInf, std::log(0.75f)};
  EXPECT_EQ(draw_from_logits(x.data(), 3, 0.2), 0);
  EXPECT_EQ(draw_from_logits(x.data(), 3, 0.26), 2);
  EXPECT_EQ(draw_from_logits(x.data(), 3, 0.999999), 2);
  // Empirical frequencies follow the probabilities.
  Rng rng(9);
  int zeros = 0;
  for (int i = 0; i < 40000; ++i) zeros += draw_from_logits(x.data(), 3, rng.uniform()) == 0;
  EXPECT_NEAR(zeros / 40000.0, 0.25, 0.01);
}

TEST(MoreSmooth, TauAndGumbelSoftmax) {
  EXPECT_DOUBLE_EQ(more_smooth_tau(0.0), 0.27);
  EXPECT_NEAR(more_smooth_tau(1.0), 0.27 * 0.05, 1e-15);
  EXPECT_DOUBLE_EQ(more_smooth_tau(1.0 / 0.95), 0.005);  // floor
  const float codebook[3 * 2] = {1, 0, 0, 1, 5, 5};
  // One surviving token: the embedding is its codebook row whatever the noise.
  const std::vector<float> one = {-kInf, 0.3f, -kInf};
  float out[2];
  Rng rng(1);
  gumbel_soft_embedding(one.data(), 3, 0.5, 0.1, rng, codebook, 2, out);
  EXPECT_FLOAT_EQ(out[0], 0.0f);
  EXPECT_FLOAT_EQ(out[1], 1.0f);
  // Equal logits, large tau: weights ≈ uniform, so the mean row; same seed, same output.
  const std::vector<float> flat = {0, 0, 0};
  Rng r1(5), r2(5);
  float a[2], b[2];
  gumbel_soft_embedding(flat.data(), 3, 0.0, 1e6, r1, codebook, 2, a);
  gumbel_soft_embedding(flat.data(), 3, 0.0, 1e6, r2, codebook, 2, b);
  EXPECT_NEAR(a[0], 2.0f, 1e-4);
  EXPECT_NEAR(a[1], 2.0f, 1e-4);
  EXPECT_EQ(a[0], b[0]);
  EXPECT_EQ(a[1], b[1]);
}

}  // namespace
