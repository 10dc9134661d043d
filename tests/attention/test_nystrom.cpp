// `nystrom` (Nyströmformer, theory §6): the error falls with the landmark count on smooth
// (low-rank-ish) inputs, a rank-deficient core is handled, bad specs and budgets are refused.
// Exactness with enough landmarks, masks, the KV-cache step and probabilities:
// test_variant_contract.cpp.
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

TEST(Nystrom, ReportsTheLandmarksUsed) {
  // Exactness with a landmark per token is in the contract (test_variant_contract.cpp); the
  // count reported is the one used, clamped to the keys.
  const Tensor q = uniform_tensor({2, 40, 8}, 1.0, 1), k = uniform_tensor({2, 40, 8}, 1.0, 2),
               v = uniform_tensor({2, 40, 5}, 1.0, 3);
  for (const char* spec : {"nystrom:landmarks=40", "nystrom:landmarks=1000"})
    EXPECT_EQ(make_variant(spec)->run(q, k, v, Structure::plain(), Options{}).stats.at("landmarks"), 40)
        << spec;
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

TEST(Nystrom, RankDeficientCoreIsHandledByThePseudoInverse) {
  // Identical keys make every landmark equal: softmax(Q̃K̃ᵀ) is rank one and a plain inverse
  // would blow up. The pseudo-inverse keeps the exact answer, the mean of V.
  Tensor q = uniform_tensor({1, 24, 4}, 1.0, 19), k({1, 24, 4}, 0.25f);
  const Tensor v = uniform_tensor({1, 24, 2}, 1.0, 20);
  const auto result = make_variant("nystrom:landmarks=6")->run(q, k, v, Structure::plain(), Options{});
  const NaiveResult exact = naive_attention(q, k, v, Structure::plain(), 0.5);
  EXPECT_LT(max_abs_diff(result.out.data, exact.out), 1e-5);
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
