// `poly` (Alman–Song polynomial attention) against the dense double reference and against
// the error bound of theory §2.5. Structures, the KV-cache step and probabilities of fixed
// degrees: test_variant_contract.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "core/attention/attention.h"
#include "core/attention/naive_reference.h"
#include "core/attention/poly_features.h"
#include "core/attention/pyramid.h"
#include "core/attention/random_inputs.h"
#include "core/error.h"
#include "core/theory/exp_polynomial.h"
#include "core/theory/rank.h"

namespace vs::attention {
namespace {

Tensor random_tensor(Shape shape, float bound, uint32_t seed) {
  Tensor t(std::move(shape));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(-bound, bound);
  for (float& x : t.data) x = uniform(rng);
  return t;
}

struct Qkv {
  Tensor q, k, v;
};
Qkv random_qkv(int64_t H, int64_t Lq, int64_t Lk, int64_t d, float bound, uint32_t seed) {
  return {random_tensor({H, Lq, d}, bound, seed), random_tensor({H, Lk, d}, bound, seed + 1),
          random_tensor({H, Lk, d}, 1.0f, seed + 2)};
}

double max_abs_diff(const Tensor& out, const std::vector<double>& reference) {
  double worst = 0;
  for (size_t i = 0; i < reference.size(); ++i)
    worst = std::max(worst, std::fabs(double(out.data[i]) - reference[i]));
  return worst;
}

double max_abs(const Tensor& t) {
  double worst = 0;
  for (float x : t.data) worst = std::max(worst, double(std::fabs(x)));
  return worst;
}

// β̂ = τ·max‖q_i‖·max‖k_j‖ per head, computed here independently; the largest over heads.
double beta_bound(const Tensor& q, const Tensor& k, double scale) {
  const int64_t H = q.dim(0), Lq = q.dim(1), Lk = k.dim(1), d = q.dim(2);
  auto max_norm = [&](const Tensor& t, int64_t h, int64_t L) {
    double best = 0;
    for (int64_t i = 0; i < L; ++i) {
      double s = 0;
      for (int64_t c = 0; c < d; ++c) s += double(t.data[(h * L + i) * d + c]) * t.data[(h * L + i) * d + c];
      best = std::max(best, std::sqrt(s));
    }
    return best;
  };
  double beta = 0;
  for (int64_t h = 0; h < H; ++h) beta = std::max(beta, scale * max_norm(q, h, Lq) * max_norm(k, h, Lk));
  return beta;
}

Result run_spec(const std::string& spec, const Qkv& x, const Structure& s, Options options = {}) {
  return make_variant(spec)->run(x.q, x.k, x.v, s, options);
}

TEST(PolyFeatures, InnerProductsAreThePolynomialOfTheScaledLogit) {
  // U_i·W_j = P(τ q_i·k_j) (theory §2.3), with P the Chebyshev polynomial for β = 2.
  const int64_t d = 5;
  const double tau = 0.7;
  const Tensor q = random_tensor({1, 6, d}, 0.8f, 3), k = random_tensor({1, 7, d}, 0.8f, 4);
  for (int g : {0, 1, 2, 3, 5}) {
    const PolynomialFeatures features(d, g);
    ASSERT_EQ(features.rank(), theory::monomial_rank_saturating(d, g));
    const std::vector<double> c = theory::exp_polynomial_coefficients(theory::ExpBasis::kChebyshev, g, 2.0);
    const std::vector<double> weights = features.query_weights(c);
    std::vector<double> u(6 * features.rank()), w(7 * features.rank());
    features.fill(q.ptr(), 6, tau, weights.data(), u.data());
    features.fill(k.ptr(), 7, 1.0, nullptr, w.data());
    for (int i = 0; i < 6; ++i)
      for (int j = 0; j < 7; ++j) {
        double dot = 0, inner = 0;
        for (int64_t col = 0; col < d; ++col) dot += tau * double(q.data[i * d + col]) * k.data[j * d + col];
        double p = 0;
        for (int m = g; m >= 0; --m) p = p * dot + c[m];
        for (int64_t m = 0; m < features.rank(); ++m) inner += u[i * features.rank() + m] * w[j * features.rank() + m];
        EXPECT_NEAR(inner, p, 1e-12 * std::max(1.0, std::fabs(p))) << "g=" << g;
      }
  }
}

TEST(PolyFeatures, MultinomialWeightsSumToPowersOfTheDimension) {
  // Σ_{|α|=k} k!/α! = d^k: with all-ones inputs and c_k = 1 the features sum to Σ_k d^k.
  const int64_t d = 4;
  const PolynomialFeatures features(d, 4);
  const std::vector<double> weights = features.query_weights({1, 1, 1, 1, 1});
  Tensor ones({1, 1, d}, 1.0f);
  std::vector<double> u(features.rank());
  features.fill(ones.ptr(), 1, 1.0, weights.data(), u.data());
  double sum = 0;
  for (double x : u) sum += x;
  EXPECT_DOUBLE_EQ(sum, 1 + 4 + 16 + 64 + 256);
}

TEST(Poly, ErrorFallsWithDegreeAndStaysWithinTheBoundOfSection25) {
  const Qkv x = random_qkv(2, 200, 200, 8, 0.5f, 7);
  const double scale = 1.0f / std::sqrt(8.0f);  // the float scale the variants apply
  const NaiveResult exact = naive_attention(x.q, x.k, x.v, Structure::plain(), scale);
  for (const std::string basis : {"taylor", "chebyshev"}) {
    double previous = INFINITY;
    for (int g = 0; g <= 6; ++g) {
      SCOPED_TRACE(basis + " degree " + std::to_string(g));
      const Result r = run_spec("poly:degree=" + std::to_string(g) + ":basis=" + basis, x,
                                Structure::plain());
      const double error = max_abs_diff(r.out, exact.out);
      const double eps = r.stats.at("poly_rel_error");
      EXPECT_NEAR(r.stats.at("beta_bound"), beta_bound(x.q, x.k, scale), 1e-9);
      EXPECT_EQ(r.stats.at("degree"), g);
      ASSERT_LT(eps, 1.0);
      // §2.5, plus float32 output rounding.
      EXPECT_LE(error, 2 * eps / (1 - eps) * max_abs(x.v) + 2e-7);
      EXPECT_LT(error, previous);
      previous = error;
    }
    EXPECT_LT(previous, 1e-5);
  }
}

TEST(Poly, ChebyshevBeatsTaylorAtTheSameDegree) {
  const Qkv x = random_qkv(1, 150, 150, 8, 0.8f, 11);
  for (int g : {1, 2, 3}) {
    const Result taylor = run_spec("poly:degree=" + std::to_string(g), x, Structure::plain());
    const Result chebyshev = run_spec("poly:degree=" + std::to_string(g) + ":basis=chebyshev", x,
                                      Structure::plain());
    EXPECT_LT(chebyshev.stats.at("poly_rel_error"), taylor.stats.at("poly_rel_error"));
    EXPECT_EQ(make_variant("poly:degree=" + std::to_string(g))->spec(),
              "poly:degree=" + std::to_string(g) + ":basis=taylor");
  }
}

TEST(Poly, ManyKeyPiecesAndQueryBlocksMatchTheReference) {
  // Beyond 1024 keys the prefix states are summed from several pieces, and at this size
  // (r = C(12, 4) = 495, ~7e7 flops) in parallel.
  const std::vector<int> sides = var_pyramid(48);  // L = 3972
  const int64_t L = pyramid_tokens(sides);
  const Qkv x = random_qkv(1, L, L, 8, 0.4f, 25);
  for (const Structure& s : {Structure::plain(), Structure::block_causal(sides)}) {
    SCOPED_TRACE(s.describe());
    const NaiveResult exact = naive_attention(x.q, x.k, x.v, s, 1.0f / std::sqrt(8.0f));
    const Result r = run_spec("poly:degree=4:basis=chebyshev", x, s);
    const double eps = r.stats.at("poly_rel_error");
    EXPECT_LE(max_abs_diff(r.out, exact.out), 2 * eps / (1 - eps) * max_abs(x.v) + 2e-7);
    EXPECT_LT(eps, 1e-4);
  }
}

TEST(Poly, WarnsWhenTheRankReachesTheKeyCount) {
  const Qkv small = random_qkv(1, 30, 30, 8, 0.5f, 61);  // r = C(10, 2) = 45 ≥ 30
  const Result r = run_spec("poly:degree=2", small, Structure::plain());
  EXPECT_EQ(r.stats.at("rank"), 45);
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_NE(r.warnings[0].find("no speed-up"), std::string::npos);
  const Qkv large = random_qkv(1, 100, 100, 8, 0.2f, 62);
  const Result quiet = run_spec("poly:degree=2:basis=chebyshev", large, Structure::plain());
  for (const std::string& w : quiet.warnings) EXPECT_EQ(w.find("no speed-up"), std::string::npos) << w;
}

TEST(Poly, WarnsAboutThePrecisionWallAndTheDegreeNeeded) {
  const Qkv x = random_qkv(1, 80, 80, 8, 3.5f, 71);
  const Result r = run_spec("poly:degree=4", x, Structure::plain());
  ASSERT_GT(r.stats.at("beta_bound"), 16);  // u·e^{32} ≈ 9e−3 > 1e−3
  bool wall = false, degree = false;
  for (const std::string& w : r.warnings) {
    wall |= w.find("precision wall") != std::string::npos;
    degree |= w.find("would be needed") != std::string::npos;
  }
  EXPECT_TRUE(wall);
  EXPECT_TRUE(degree);
}

TEST(Poly, OddDegreeFailuresAreCountedAndFallBackToTheMean) {
  // Degree 1 Taylor, 1 + x, is negative below x = −1: with a wide logit range, some rows'
  // approximate denominators drop to ≤ 0 (theory §2.2, positivity), and an odd degree has
  // no positive form.
  Tensor q({1, 4, 1}), k({1, 4, 1}), v({1, 4, 1});
  q.data = {3, -3, 2, 1};
  k.data = {3, 3, 3, -3};
  v.data = {1, 2, 3, 4};
  Options options;
  options.scale = 1;
  const Result r = make_variant("poly:degree=1")->run(q, k, v, Structure::plain(), options);
  EXPECT_EQ(r.stats.at("uncertified_heads"), 1);
  // Row 1 (q = −3): D̃ = 3·(1 − 9) + (1 + 9) < 0.
  EXPECT_GE(r.stats.at("nonpositive_rows"), 1);
  EXPECT_GE(r.stats.at("failed_rows"), r.stats.at("nonpositive_rows"));
  EXPECT_FLOAT_EQ(r.out.data[1], 2.5f);  // the mean of the values
  for (float o : r.out.data) EXPECT_TRUE(std::isfinite(o));
  bool reported = false;
  for (const std::string& w : r.warnings) reported |= w.find("D̃ ≤ 0") != std::string::npos;
  EXPECT_TRUE(reported);
  EXPECT_NE(r.summary.find("rows failed"), std::string::npos) << r.summary;
  // Logits 9 and 3 only: 1 + x stays positive, no row fails, yet the polynomial is not
  // provably positive on [−9, 9] and the run says so.
  Tensor q1({1, 1, 1}, 3.0f), k2({1, 2, 1}), v2({1, 2, 1});
  k2.data = {3, 1};
  v2.data = {1, 2};
  const Result quiet = make_variant("poly:degree=1")->run(q1, k2, v2, Structure::plain(), options);
  EXPECT_EQ(quiet.stats.at("failed_rows"), 0);
  EXPECT_EQ(quiet.stats.at("uncertified_heads"), 1);
  bool warned = false;
  for (const std::string& w : quiet.warnings) warned |= w.find("not provably positive") != std::string::npos;
  EXPECT_TRUE(warned);
  EXPECT_NE(quiet.summary.find("not provably positive"), std::string::npos) << quiet.summary;
}

TEST(Poly, ConstructedNegativeChebyshevRowsAreCountedExactly) {
  // The degree-2 Chebyshev interpolant of exp on [−7, 7] dips below 0 near x = −3: causal
  // rows 0..2 see only keys with logit −3, row 3 also sees logit +7 (which sets β̂ = 7).
  const std::vector<double> c = theory::exp_polynomial_coefficients(theory::ExpBasis::kChebyshev, 2, 7.0);
  ASSERT_LT(c[0] - 3 * c[1] + 9 * c[2], 0);
  Tensor q({1, 4, 1}, 1.0f), k({1, 4, 1}), v({1, 4, 1});
  k.data = {-3, -3, -3, 7};
  v.data = {1, 2, 3, 4};
  Options options;
  options.scale = 1;
  const Result plain =
      make_variant("poly:degree=2:basis=chebyshev:form=plain")->run(q, k, v, Structure::causal(), options);
  EXPECT_EQ(plain.stats.at("beta_bound"), 7);
  EXPECT_EQ(plain.stats.at("fit_beta"), 7);
  EXPECT_EQ(plain.stats.at("failed_rows"), 3);
  EXPECT_EQ(plain.stats.at("nonpositive_rows"), 3);
  EXPECT_EQ(plain.stats.at("uncertified_heads"), 1);
  EXPECT_FLOAT_EQ(plain.out.data[0], 1.0f);
  EXPECT_FLOAT_EQ(plain.out.data[1], 1.5f);
  EXPECT_FLOAT_EQ(plain.out.data[2], 2.0f);
  EXPECT_NE(plain.summary.find("3 of 4 rows failed (3 with D̃ ≤ 0)"), std::string::npos) << plain.summary;
  // Captured probabilities of failed rows are uniform over the visible keys.
  options.capture_probs = true;
  options.prob_row_end = 4;
  const Result captured =
      make_variant("poly:degree=2:basis=chebyshev:form=plain")->run(q, k, v, Structure::causal(), options);
  EXPECT_FLOAT_EQ(captured.probs.data[1 * 4 + 0], 0.5f);
  EXPECT_FLOAT_EQ(captured.probs.data[1 * 4 + 1], 0.5f);
  // The default form squares the degree-1 interpolant of e^{x/2}: positive, no failures.
  options.capture_probs = false;
  const Result positive =
      make_variant("poly:degree=2:basis=chebyshev")->run(q, k, v, Structure::causal(), options);
  EXPECT_EQ(positive.stats.at("failed_rows"), 0);
  EXPECT_EQ(positive.stats.at("squared_heads"), 1);
  EXPECT_EQ(positive.stats.at("uncertified_heads"), 0);
  // Rows 0..2 weigh equal logits equally, so any positive kernel gives their exact output.
  const NaiveResult exact = naive_attention(q, k, v, Structure::causal(), 1.0);
  for (size_t i = 0; i < 3; ++i) EXPECT_NEAR(positive.out.data[i], exact.out[i], 1e-6);
  EXPECT_NEAR(positive.out.data[3], exact.out[3], 0.2);
}

TEST(Poly, PositiveFormKeepsUniformInputsInTwoBounded) {
  // The case: q, k uniform in [−2, 2], d = 8, L = 64 (β̂ ≈ 6.8): plain Chebyshev
  // degree 2 and 4 had relative errors 3.8 and 3.6e3. The squared form is positive
  // whatever β̂, so no row fails and the error stays that of a crude approximation.
  std::mt19937_64 rng(14);
  const Tensor q = uniform_tensor({1, 64, 8}, 2.0, rng), k = uniform_tensor({1, 64, 8}, 2.0, rng),
               v = uniform_tensor({1, 64, 8}, 1.0, rng);
  const double scale = 1.0f / std::sqrt(8.0f);
  const NaiveResult exact = naive_attention(q, k, v, Structure::plain(), scale);
  Tensor reference({1, 64, 8});
  for (size_t i = 0; i < reference.data.size(); ++i) reference.data[i] = float(exact.out[i]);
  const std::pair<int, double> bounds[] = {{2, 0.8}, {4, 0.4}};
  for (const auto& [degree, bound] : bounds) {
    SCOPED_TRACE("degree " + std::to_string(degree));
    const std::string spec = "poly:degree=" + std::to_string(degree) + ":basis=chebyshev";
    const Result r = make_variant(spec)->run(q, k, v, Structure::plain(), {});
    EXPECT_GT(r.stats.at("beta_bound"), 5);
    EXPECT_EQ(r.stats.at("squared_heads"), 1);
    EXPECT_EQ(r.stats.at("failed_rows"), 0);
    EXPECT_LT(relative_frobenius_error(r.out, reference), bound);
    const Result plain = make_variant(spec + ":form=plain")->run(q, k, v, Structure::plain(), {});
    EXPECT_GT(plain.stats.at("failed_rows"), 0);
    EXPECT_GT(relative_frobenius_error(plain.out, reference), bound);
    for (float o : plain.out.data) ASSERT_TRUE(std::isfinite(o));
  }
}

TEST(Poly, AutoPicksAHigherDegreeForLargerBetaAndMeetsItsTarget) {
  int previous_degree = -1;
  for (float bound : {0.2f, 0.5f, 0.8f}) {
    for (double eps : {1e-2, 1e-4}) {
      SCOPED_TRACE("bound " + std::to_string(bound) + " eps " + std::to_string(eps));
      const Qkv x = random_qkv(2, 120, 120, 6, bound, 31 + int(bound * 10));
      const double scale = 1.0f / std::sqrt(6.0f);
      const NaiveResult exact = naive_attention(x.q, x.k, x.v, Structure::causal(), scale);
      char spec[64];
      std::snprintf(spec, sizeof spec, "poly:auto:eps=%g", eps);
      const Result r = run_spec(spec, x, Structure::causal());
      const double beta = beta_bound(x.q, x.k, scale);
      const int expected = theory::least_exp_degree(theory::ExpBasis::kChebyshev, beta, eps);
      EXPECT_EQ(r.stats.at("degree"), expected);
      EXPECT_EQ(r.stats.at("rank"), theory::monomial_rank(6, expected));
      EXPECT_EQ(r.stats.at("target_met"), 1);
      EXPECT_LE(r.stats.at("poly_rel_error"), eps);
      EXPECT_EQ(r.stats.at("failed_rows"), 0);
      EXPECT_LE(max_abs_diff(r.out, exact.out), 2 * eps / (1 - eps) * max_abs(x.v) + 2e-7);
      EXPECT_NE(r.summary.find("degree " + std::to_string(expected)), std::string::npos) << r.summary;
      if (eps == 1e-2) {
        EXPECT_GT(expected, previous_degree);
        previous_degree = expected;
      }
    }
  }
}

TEST(Poly, AutoBeyondItsRankLimitSaysSoAndStaysPositive) {
  std::mt19937_64 rng(15);
  const Tensor q = uniform_tensor({1, 64, 8}, 2.0, rng), k = uniform_tensor({1, 64, 8}, 2.0, rng),
               v = uniform_tensor({1, 64, 8}, 1.0, rng);
  const Result r = make_variant("poly:auto")->run(q, k, v, Structure::plain(), {});
  // β̂ ≈ 6.8 needs Chebyshev degree ~17 for 1e−2; rank C(8+g, g) ≤ 4096 allows degree 6.
  EXPECT_EQ(r.stats.at("target_met"), 0);
  EXPECT_GT(r.stats.at("needed_degree"), 6);
  EXPECT_EQ(r.stats.at("degree"), 6);
  EXPECT_LE(r.stats.at("rank"), 4096);
  EXPECT_EQ(r.stats.at("uncertified_heads"), 0);
  EXPECT_EQ(r.stats.at("failed_rows"), 0);
  bool reported = false;
  for (const std::string& w : r.warnings) reported |= w.find("not reached") != std::string::npos;
  EXPECT_TRUE(reported);
  EXPECT_NE(r.summary.find("NOT met"), std::string::npos) << r.summary;
  // A lower rank limit lowers the degree.
  const Result small = make_variant("poly:auto:max_rank=200")->run(q, k, v, Structure::plain(), {});
  EXPECT_EQ(small.stats.at("degree"), 2);  // C(11, 3) = 165 ≤ 200 < C(12, 4): largest even 2
}

TEST(Poly, RefusesHugeRanksWithAnErrorNotBadAlloc) {
  const Qkv x = random_qkv(1, 64, 64, 64, 0.1f, 81);
  try {
    run_spec("poly:degree=16", x, Structure::plain());  // r = C(80, 16) ≈ 2.9e16
    FAIL() << "expected vs::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("scratch"), std::string::npos) << e.what();
  }
  Options tight;
  tight.max_scratch_bytes = 100000;  // degree 3 at d = 64: r = 47905 → ~50 MB
  EXPECT_THROW(run_spec("poly:degree=3", x, Structure::plain(), tight), Error);
}

TEST(Poly, BadSpecsThrow) {
  for (const char* spec : {"poly", "poly:degree=-1", "poly:degree=17", "poly:degree=two",
                           "poly:degree=2:basis=legendre", "poly:degree=2:features=4",
                           "poly:degree=3:form=squared", "poly:degree=2:form=cubed",
                           "poly:auto:degree=3", "poly:auto:eps=0", "poly:auto:eps=0.9",
                           "poly:auto:form=plain", "poly:auto:max_rank=0", "poly:automatic",
                           "poly:auto:auto", "poly:degree=2:auto=1"})
    EXPECT_THROW(make_variant(spec), Error) << spec;
  EXPECT_EQ(make_variant("poly:degree=3:basis=chebyshev")->spec(), "poly:degree=3:basis=chebyshev");
  EXPECT_EQ(make_variant("poly:degree=4:basis=chebyshev:form=plain")->spec(),
            "poly:degree=4:basis=chebyshev:form=plain");
  EXPECT_EQ(make_variant("poly:auto")->spec(), "poly:auto:eps=0.01:basis=chebyshev:max_rank=4096");
  const std::string canonical = "poly:auto:eps=0.0001:basis=taylor:max_rank=500";
  EXPECT_EQ(make_variant(canonical)->spec(), canonical);
}

TEST(Poly, ZeroInputsGiveTheMeanOfTheValues) {
  const Qkv x{Tensor({1, 5, 3}), Tensor({1, 5, 3}), random_tensor({1, 5, 2}, 1.0f, 91)};
  const Result r = run_spec("poly:degree=2:basis=chebyshev", x, Structure::causal());
  const NaiveResult exact = naive_attention(x.q, x.k, x.v, Structure::causal(), 1.0);
  EXPECT_LT(max_abs_diff(r.out, exact.out), 1e-6);
  EXPECT_EQ(r.stats.at("beta_bound"), 0.0);
}

}  // namespace
}  // namespace vs::attention
