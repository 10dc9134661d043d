// `svd:rank=R` against singular values computed here, independently, with Eigen's Jacobi
// SVD of the naive double-precision probabilities (Eckart–Young: ‖P − P_R‖₂ = σ_{R+1},
// ‖P − P_R‖_F = √(Σ_{i>R} σ_i²), theory §6).
#include <gtest/gtest.h>

#include <Eigen/SVD>
#include <random>

#include "core/attention/attention.h"
#include "core/attention/naive_reference.h"
#include "core/error.h"

namespace vs::attention {
namespace {

using MatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic>;

Tensor random_tensor(Shape shape, std::mt19937& rng, float bound) {
  Tensor t(std::move(shape));
  std::uniform_real_distribution<float> dist(-bound, bound);
  for (float& x : t.data) x = dist(rng);
  return t;
}

struct Inputs {
  Tensor q, k, v;
};

Inputs random_inputs(int64_t heads, int64_t lq, int64_t lk, int64_t d, uint32_t seed, float bound) {
  std::mt19937 rng(seed);
  Inputs in{random_tensor({heads, lq, d}, rng, bound), random_tensor({heads, lk, d}, rng, bound),
            random_tensor({heads, lk, d}, rng, 1.0f)};
  return in;
}

Options all_probability_rows(int64_t lq) {
  Options options;
  options.capture_probs = true;
  options.prob_row_begin = 0;
  options.prob_row_end = lq;
  return options;
}

// Head h of the naive probabilities as an (Lq, Lk) matrix.
MatrixD naive_head(const NaiveResult& naive, int64_t h, int64_t lq, int64_t lk) {
  MatrixD p(lq, lk);
  for (int64_t i = 0; i < lq; ++i)
    for (int64_t j = 0; j < lk; ++j) p(i, j) = naive.probs[(h * lq + i) * lk + j];
  return p;
}

MatrixD result_head(const Tensor& probs, int64_t h, int64_t lq, int64_t lk) {
  MatrixD p(lq, lk);
  for (int64_t i = 0; i < lq; ++i)
    for (int64_t j = 0; j < lk; ++j) p(i, j) = probs.data[(h * lq + i) * lk + j];
  return p;
}

void expect_error_is_the_tail(const Structure& structure, int64_t lq, int64_t lk, int rank,
                              uint32_t seed, float bound) {
  const int64_t H = 2, d = 8;
  const Inputs in = random_inputs(H, lq, lk, d, seed, bound);
  const Options options = all_probability_rows(lq);
  const Result result =
      make_variant("svd:rank=" + std::to_string(rank))->run(in.q, in.k, in.v, structure, options);
  ASSERT_EQ(result.probs.shape, (Shape{H, lq, lk}));
  const NaiveResult naive =
      naive_attention(in.q, in.k, in.v, structure, resolved_scale(options, d), true);
  double max_sigma_next = 0;
  for (int64_t h = 0; h < H; ++h) {
    const MatrixD exact = naive_head(naive, h, lq, lk);
    const Eigen::VectorXd sigma = Eigen::JacobiSVD<MatrixD>(exact).singularValues();
    ASSERT_GT(sigma.size(), rank) << "choose a rank below min(Lq, Lk)";
    const double sigma_next = sigma(rank);
    const double frob_tail = sigma.tail(sigma.size() - rank).norm();
    max_sigma_next = std::max(max_sigma_next, sigma_next);
    const MatrixD error = exact - result_head(result.probs, h, lq, lk);
    // Probabilities come back as float: allow a few float ulps of ‖P‖.
    const double slack = 1e-6 * sigma(0) + 1e-7;
    EXPECT_NEAR(Eigen::JacobiSVD<MatrixD>(error).singularValues()(0), sigma_next, slack)
        << structure.describe() << " head " << h;
    EXPECT_NEAR(error.norm(), frob_tail, slack) << structure.describe() << " head " << h;
    // The output is P_R V.
    MatrixD v(lk, d);
    for (int64_t j = 0; j < lk; ++j)
      for (int64_t c = 0; c < d; ++c) v(j, c) = in.v.data[(h * lk + j) * d + c];
    const MatrixD out = result_head(result.probs, h, lq, lk) * v;
    for (int64_t i = 0; i < lq; ++i)
      for (int64_t c = 0; c < d; ++c)
        EXPECT_NEAR(result.out.data[(h * lq + i) * d + c], out(i, c), 1e-5);
  }
  EXPECT_NEAR(result.stats.at("sigma_tail_2"), max_sigma_next, 1e-9 + 1e-9 * max_sigma_next);
}

TEST(SvdAttention, ErrorEqualsTailSingularValues) {
  // Large logits (bound 3, d = 8): a sharp, slowly decaying spectrum so the tails are not tiny.
  expect_error_is_the_tail(Structure::plain(), 60, 60, 5, 1, 3.0f);
  expect_error_is_the_tail(Structure::plain(), 30, 70, 8, 2, 3.0f);
  expect_error_is_the_tail(Structure::causal(), 50, 50, 10, 3, 3.0f);
  expect_error_is_the_tail(Structure::block_causal({1, 2, 3, 4, 5}), 55, 55, 4, 4, 3.0f);
  expect_error_is_the_tail(Structure::block_causal({1, 2, 3, 4, 5}), 25, 55, 3, 5, 3.0f);
}

TEST(SvdAttention, FullRankHasNoTail) {
  // That full rank reproduces exact attention is in the contract (test_variant_contract.cpp).
  const Inputs in = random_inputs(2, 46, 46, 8, 6, 1.0f);  // 1 + 9 + 36 tokens
  for (int rank : {46, 100})
    EXPECT_EQ(make_variant("svd:rank=" + std::to_string(rank))
                  ->run(in.q, in.k, in.v, Structure::block_causal({1, 3, 6}), Options{})
                  .stats.at("sigma_tail_2"),
              0.0)
        << rank;
}

TEST(SvdAttention, RefusesWorkAboveScratchLimit) {
  const Inputs in = random_inputs(1, 100, 100, 4, 8, 1.0f);
  Options options;
  options.max_scratch_bytes = 100 * 100 * 8;  // P alone fits, P with its factors does not
  EXPECT_THROW(make_variant("svd:rank=4")->run(in.q, in.k, in.v, Structure::plain(), options),
               Error);
  options.max_scratch_bytes = int64_t(1) << 20;
  EXPECT_NO_THROW(make_variant("svd:rank=4")->run(in.q, in.k, in.v, Structure::plain(), options));
}

TEST(SvdAttention, BadSpecsThrowListingValidOnes) {
  for (const char* spec :
       {"svd", "svd:rank=0", "svd:rank=-3", "svd:rank=two", "svd:rank=4:seed=1"}) {
    try {
      make_variant(spec);
      ADD_FAILURE() << spec << " was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(valid_variant_specs()), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(make_variant("svd:rank=32")->spec(), "svd:rank=32");
}

}  // namespace
}  // namespace vs::attention
