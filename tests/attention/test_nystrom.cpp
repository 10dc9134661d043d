// `nystrom` (Nyströmformer, theory §6): one landmark per token is exact attention, the
// error falls with the landmark count on smooth (low-rank-ish) inputs, masks and the
// KV-cache step hold, bad specs and budgets are refused.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "core/attention/attention.h"
#include "core/attention/naive_reference.h"
#include "core/error.h"

namespace vs::attention {
namespace {

// Uniform entries in [-bound, bound] from mt19937_64's raw output (platform-independent).
Tensor uniform_tensor(Shape shape, double bound, uint64_t seed) {
  Tensor t(shape);
  std::mt19937_64 gen(seed);
  for (float& x : t.data) x = float((double(gen() >> 11) * 0x1.0p-53 * 2 - 1) * bound);
  return t;
}

// Tokens that vary smoothly with position, t ↦ amplitude·sin(2π f_c t + phase_c): nearby
// tokens are alike, so segment means summarise them well (the regime Nyström is built for).
Tensor smooth_tensor(int64_t heads, int64_t tokens, int64_t dim, double amplitude, uint64_t seed) {
  Tensor t({heads, tokens, dim});
  std::mt19937_64 gen(seed);
  for (int64_t h = 0; h < heads; ++h)
    for (int64_t c = 0; c < dim; ++c) {
      const double frequency = 0.5 + double(gen() % 4) * 0.5;
      const double phase = double(gen() >> 11) * 0x1.0p-53 * 6.283185307179586;
      for (int64_t i = 0; i < tokens; ++i)
        t.data[(h * tokens + i) * dim + c] =
            float(amplitude * std::sin(6.283185307179586 * frequency * i / tokens + phase));
    }
  return t;
}

double relative_error(const Tensor& approx, const std::vector<double>& exact) {
  double diff = 0, norm = 0;
  for (size_t i = 0; i < exact.size(); ++i) {
    diff += (approx.data[i] - exact[i]) * (approx.data[i] - exact[i]);
    norm += exact[i] * exact[i];
  }
  return std::sqrt(diff / norm);
}

double max_abs_diff(const std::vector<float>& approx, const std::vector<double>& exact) {
  double worst = 0;
  for (size_t i = 0; i < exact.size(); ++i) worst = std::max(worst, std::abs(approx[i] - exact[i]));
  return worst;
}

std::vector<float> rows_of(const Tensor& t, int64_t h, int64_t row_begin, int64_t row_end) {
  const int64_t L = t.dim(1), c = t.dim(2);
  return std::vector<float>(t.data.begin() + (h * L + row_begin) * c,
                            t.data.begin() + (h * L + row_end) * c);
}

TEST(Nystrom, OneLandmarkPerTokenIsExact) {
  // M = L: Q̃ = Q, K̃ = K and P̃ = S·pinv(S)·S = S for S = softmax(τQKᵀ), so out = S V.
  const Tensor q = uniform_tensor({2, 40, 8}, 1.0, 1), k = uniform_tensor({2, 40, 8}, 1.0, 2),
               v = uniform_tensor({2, 40, 5}, 1.0, 3);
  const double tau = 1 / std::sqrt(8.0);
  for (const char* spec : {"nystrom:landmarks=40", "nystrom:landmarks=1000"}) {
    const NaiveResult exact = naive_attention(q, k, v, Structure::plain(), tau, true);
    Options options;
    options.capture_probs = true;
    options.prob_row_begin = 0;
    options.prob_row_end = 40;
    const Result result = make_variant(spec)->run(q, k, v, Structure::plain(), options);
    EXPECT_LT(max_abs_diff(result.out.data, exact.out), 2e-5) << spec;
    EXPECT_LT(max_abs_diff(result.probs.data, exact.probs), 2e-5) << spec;
    EXPECT_EQ(result.stats.at("landmarks"), 40);
  }
}

TEST(Nystrom, EnoughLandmarksAreExactUnderMasks) {
  // Per run, M ≥ the visible keys makes every landmark a token, so each run is exact;
  // causal runs hold one query (Q̃ = q), which is exact for any M.
  const Tensor q = uniform_tensor({2, 30, 8}, 1.0, 4), k = uniform_tensor({2, 30, 8}, 1.0, 5),
               v = uniform_tensor({2, 30, 8}, 1.0, 6);
  const double tau = 1 / std::sqrt(8.0);
  const Structure pyramid = Structure::block_causal({1, 2, 3, 4});
  EXPECT_LT(max_abs_diff(make_variant("nystrom:landmarks=30")->run(q, k, v, pyramid, Options{}).out.data,
                         naive_attention(q, k, v, pyramid, tau).out),
            2e-5);
  EXPECT_LT(max_abs_diff(
                make_variant("nystrom:landmarks=3")->run(q, k, v, Structure::causal(), Options{}).out.data,
                naive_attention(q, k, v, Structure::causal(), tau).out),
            2e-5);
}

TEST(Nystrom, ErrorFallsWithLandmarksOnSmoothInputs) {
  const Tensor q = smooth_tensor(2, 256, 8, 1.5, 7), k = smooth_tensor(2, 256, 8, 1.5, 8),
               v = uniform_tensor({2, 256, 8}, 1.0, 9);
  const NaiveResult exact = naive_attention(q, k, v, Structure::plain(), 1 / std::sqrt(8.0));
  std::vector<double> error;
  for (int landmarks : {2, 8, 32}) {
    auto variant = make_variant("nystrom:landmarks=" + std::to_string(landmarks));
    error.push_back(relative_error(variant->run(q, k, v, Structure::plain(), Options{}).out, exact.out));
  }
  EXPECT_LT(error[1], error[0]);
  EXPECT_LT(error[2], error[1]);
  EXPECT_LT(error[2], 0.1 * error[0]) << error[0] << " " << error[1] << " " << error[2];
}

TEST(Nystrom, EarlierScalesNeverSeeLaterKeys) {
  const Structure pyramid = Structure::block_causal({1, 2, 3, 4});  // scales end at 1, 5, 14, 30
  const Tensor q = uniform_tensor({2, 30, 8}, 1.0, 10), v = uniform_tensor({2, 30, 8}, 1.0, 12);
  Tensor k = uniform_tensor({2, 30, 8}, 1.0, 11);
  Tensor v_changed = v, k_changed = k;
  for (int64_t h = 0; h < 2; ++h)
    for (int64_t c = 0; c < 8; ++c) {
      v_changed.data[(h * 30 + 20) * 8 + c] += 5.0f;  // key 20 belongs to the last scale
      k_changed.data[(h * 30 + 20) * 8 + c] += 2.0f;
    }
  auto variant = make_variant("nystrom:landmarks=4");
  const auto before = variant->run(q, k, v, pyramid, Options{});
  const auto after = variant->run(q, k_changed, v_changed, pyramid, Options{});
  for (int64_t h = 0; h < 2; ++h) {
    EXPECT_EQ(rows_of(before.out, h, 0, 14), rows_of(after.out, h, 0, 14));
    EXPECT_NE(rows_of(before.out, h, 14, 30), rows_of(after.out, h, 14, 30));
  }
}

TEST(Nystrom, KvCacheStepMatchesFullPass) {
  const Structure pyramid = Structure::block_causal({1, 2, 3, 4});
  const Tensor q = uniform_tensor({2, 30, 8}, 1.0, 13), k = uniform_tensor({2, 30, 8}, 1.0, 14),
               v = uniform_tensor({2, 30, 8}, 1.0, 15);
  auto variant = make_variant("nystrom:landmarks=5");
  const auto full = variant->run(q, k, v, pyramid, Options{});
  Tensor q_last({2, 16, 8});  // the last scale's queries against all 30 cached keys
  for (int64_t h = 0; h < 2; ++h)
    std::copy(q.data.begin() + (h * 30 + 14) * 8, q.data.begin() + (h * 30 + 30) * 8,
              q_last.data.begin() + h * 16 * 8);
  for (const Structure& s : {pyramid, Structure::plain()}) {
    const auto step = variant->run(q_last, k, v, s, Options{});
    for (int64_t h = 0; h < 2; ++h) {
      const auto a = rows_of(full.out, h, 14, 30), b = rows_of(step.out, h, 0, 16);
      for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-6) << s.describe();
    }
  }
}

TEST(Nystrom, ProbabilitiesReproduceOutputAndRespectMask) {
  const Structure pyramid = Structure::block_causal({1, 2, 3, 4});
  const Tensor q = uniform_tensor({1, 30, 8}, 1.0, 16), k = uniform_tensor({1, 30, 8}, 1.0, 17),
               v = uniform_tensor({1, 30, 3}, 1.0, 18);
  Options options;
  options.capture_probs = true;
  options.prob_row_begin = 2;
  options.prob_row_end = 25;
  const auto result = make_variant("nystrom:landmarks=3")->run(q, k, v, pyramid, options);
  ASSERT_EQ(result.probs.shape, (Shape{1, 23, 30}));
  for (int64_t i = 2; i < 25; ++i) {
    const int64_t visible = pyramid.visible_keys(i, 30, 30);
    const float* p = result.probs.ptr() + (i - 2) * 30;
    for (int64_t j = visible; j < 30; ++j) EXPECT_EQ(p[j], 0.0f);
    for (int64_t c = 0; c < 3; ++c) {
      double pv = 0;
      for (int64_t j = 0; j < 30; ++j) pv += p[j] * v.data[j * 3 + c];
      EXPECT_NEAR(pv, result.out.data[i * 3 + c], 1e-5);
    }
  }
}

TEST(Nystrom, RankDeficientCoreIsHandledByThePseudoInverse) {
  // Identical keys make every landmark equal: softmax(Q̃K̃ᵀ) is rank one and a plain inverse
  // would blow up. The pseudo-inverse keeps the exact answer, the mean of V.
  Tensor q = uniform_tensor({1, 24, 4}, 1.0, 19), k({1, 24, 4}, 0.25f);
  const Tensor v = uniform_tensor({1, 24, 2}, 1.0, 20);
  const auto result = make_variant("nystrom:landmarks=6")->run(q, k, v, Structure::plain(), Options{});
  const NaiveResult exact = naive_attention(q, k, v, Structure::plain(), 0.5);
  EXPECT_LT(max_abs_diff(result.out.data, exact.out), 1e-5);
}

TEST(Nystrom, NoQueriesGiveAnEmptyOutput) {
  const Tensor q({2, 0, 8}), k = uniform_tensor({2, 30, 8}, 1.0, 21), v = k;
  const auto result =
      make_variant("nystrom:landmarks=4")->run(q, k, v, Structure::block_causal({1, 2, 3, 4}), Options{});
  EXPECT_EQ(result.out.shape, (Shape{2, 0, 8}));
}

TEST(Nystrom, RefusesBadSpecs) {
  for (const char* spec : {"nystrom", "nystrom:landmarks=0", "nystrom:landmarks=-3",
                           "nystrom:landmarks=x", "nystrom:landmarks=4:seed=1"})
    EXPECT_THROW(make_variant(spec), Error) << spec;
  EXPECT_EQ(make_variant("nystrom:landmarks=32")->spec(), "nystrom:landmarks=32");
}

TEST(Nystrom, RefusesWorkAboveScratchBudget) {
  const Tensor q = uniform_tensor({2, 30, 8}, 0.5, 1), k = q, v = q;
  Options options;
  options.max_scratch_bytes = 4096;
  EXPECT_THROW(make_variant("nystrom:landmarks=8")->run(q, k, v, Structure::plain(), options),
               Error);
}

}  // namespace
}  // namespace vs::attention
