// `performer` (FAVOR+, theory §6): the kernel estimate is unbiased, the attention error
// falls with the feature count, seeds pin the features, bad specs and budgets are refused.
// Structures, the KV-cache step, probabilities and determinism: test_variant_contract.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <random>
#include <vector>

#include "core/attention/attention.h"
#include "core/attention/naive_reference.h"
#include "core/attention/performer.h"
#include "core/error.h"
#include "core/memory_budget.h"
#include "tests/support/error_message.h"

namespace vs::attention {
namespace {

// Uniform entries in [-bound, bound] from mt19937_64's raw output (fully specified by the
// standard, unlike the distributions), so the fixtures are the same on every platform.
Tensor uniform_tensor(Shape shape, double bound, uint64_t seed) {
  Tensor t(shape);
  std::mt19937_64 gen(seed);
  for (float& x : t.data) x = float((double(gen() >> 11) * 0x1.0p-53 * 2 - 1) * bound);
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

TEST(Performer, KernelEstimateIsUnbiasedOverSeeds) {
  // E[φ(x)·φ(y)] = exp(xᵀy) with x = q√τ, y = k√τ (theory §6): the mean over 2000 seeds
  // must match exp(τ qᵀk) within 4 standard errors, for several (q, k) pairs. At this
  // sample size the test catches ω rows of fixed length √d instead of chi lengths (a
  // ~3% bias at ‖x+y‖² ≈ 2, against a standard error below 1%).
  const int64_t d = 8;
  const int features = 64, seeds = 2000;
  const double tau = 1.0 / std::sqrt(double(d));
  const Tensor qs = uniform_tensor({5, d}, 1.0, 11), ks = uniform_tensor({5, d}, 1.0, 12);
  for (int pair = 0; pair < 5; ++pair) {
    RowMatrixD x(1, d), y(1, d);
    double dot = 0;
    for (int64_t c = 0; c < d; ++c) {
      x(0, c) = qs.data[pair * d + c] * std::sqrt(tau);
      y(0, c) = ks.data[pair * d + c] * std::sqrt(tau);
      dot += double(qs.data[pair * d + c]) * ks.data[pair * d + c];
    }
    const double exact = std::exp(tau * dot);
    double sum = 0, sum_sq = 0;
    for (int s = 1; s <= seeds; ++s) {
      const RowMatrixD omega = performer_projection(features, d, uint64_t(s));
      const RowMatrixD lx = performer_log_features(omega, x), ly = performer_log_features(omega, y);
      const double estimate = (lx + ly).array().exp().sum();
      sum += estimate;
      sum_sq += estimate * estimate;
    }
    const double mean = sum / seeds;
    const double stderr_mean = std::sqrt((sum_sq / seeds - mean * mean) / (seeds - 1));
    EXPECT_LT(std::abs(mean - exact), 4 * stderr_mean + 1e-12)
        << "pair " << pair << ": mean " << mean << " exact " << exact << " stderr " << stderr_mean;
    // Not a wild estimator either: i.i.d. positive features have relative variance
    // (e^{‖x+y‖²} − 1)/m (theory §6); orthogonal ones should not do worse (1.5x allows for
    // the noise of a 200-sample variance).
    const double iid_stderr =
        exact * std::sqrt(std::expm1((x + y).squaredNorm()) / features / seeds);
    EXPECT_LT(stderr_mean, 1.5 * iid_stderr) << "pair " << pair;
  }
}

TEST(Performer, ProjectionBlocksAreOrthogonalWithChiNorms) {
  const int64_t d = 6;
  const int features = 15;  // two full blocks and a partial one
  double norm_sq_sum = 0;
  int rows = 0;
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    const RowMatrixD omega = performer_projection(features, d, seed);
    ASSERT_EQ(omega.rows(), features);
    ASSERT_EQ(omega.cols(), d);
    for (int start = 0; start < features; start += int(d))
      for (int a = start; a < std::min<int>(features, start + int(d)); ++a)
        for (int b = start; b < a; ++b)
          EXPECT_NEAR(omega.row(a).normalized().dot(omega.row(b).normalized()), 0.0, 1e-12);
    for (int r = 0; r < features; ++r, ++rows) norm_sq_sum += omega.row(r).squaredNorm();
  }
  // ‖ω‖² is chi-squared with d degrees of freedom: mean d, variance 2d.
  const double mean = norm_sq_sum / rows;
  EXPECT_NEAR(mean, double(d), 4 * std::sqrt(2.0 * d / rows));
}

TEST(Performer, SameSeedSameFeaturesEverywhere) {
  // Pins the generator: splitmix64 → xoshiro256** → Box–Muller must not drift between
  // builds, or saved experiments stop being reproducible.
  const RowMatrixD a = performer_projection(4, 2, 1), b = performer_projection(4, 2, 1);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, performer_projection(4, 2, 2));
  const double pinned[4][2] = {{-1.5329855173169094, -0.19793525346863336},
                               {-0.049161989430227898, 0.3807538903673332},
                               {-2.2020813242726072, -0.74174766754895194},
                               {0.43209333880079059, -1.2827875480350237}};
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 2; ++c) EXPECT_NEAR(a(r, c), pinned[r][c], 1e-12) << r << "," << c;
}

TEST(Performer, AttentionErrorFallsWithFeatureCount) {
  const Tensor q = uniform_tensor({2, 64, 8}, 0.5, 1), k = uniform_tensor({2, 64, 8}, 0.5, 2),
               v = uniform_tensor({2, 64, 8}, 1.0, 3);
  const NaiveResult exact = naive_attention(q, k, v, Structure::plain(), 1 / std::sqrt(8.0));
  std::vector<double> mean_error;
  for (int features : {4, 32, 256}) {
    double total = 0;
    for (int seed = 1; seed <= 8; ++seed) {
      auto variant = make_variant("performer:features=" + std::to_string(features) +
                                  ":seed=" + std::to_string(seed));
      total += relative_error(variant->run(q, k, v, Structure::plain(), Options{}).out, exact.out);
    }
    mean_error.push_back(total / 8);
  }
  EXPECT_LT(mean_error[1], mean_error[0]);
  EXPECT_LT(mean_error[2], mean_error[1]);
  // Monte-Carlo rate 1/√m: 64x the features should cut the error well beyond 3x.
  EXPECT_LT(mean_error[2], mean_error[0] / 3) << mean_error[0] << " " << mean_error[2];
}

TEST(Performer, OtherSeedOtherFeatures) {
  // Same seed, same output is in the contract (test_variant_contract.cpp, Deterministic).
  const Tensor q = uniform_tensor({3, 30, 8}, 0.5, 4), k = uniform_tensor({3, 30, 8}, 0.5, 5),
               v = uniform_tensor({3, 30, 4}, 1.0, 6);
  const Structure pyramid = Structure::block_causal({1, 2, 3, 4});
  const auto a = make_variant("performer:features=32:seed=7")->run(q, k, v, pyramid, Options{});
  const auto c = make_variant("performer:features=32:seed=8")->run(q, k, v, pyramid, Options{});
  EXPECT_NE(a.out.data, c.out.data);
  EXPECT_EQ(a.stats.at("features"), 32);
}

TEST(Performer, SpecIsCanonical) {
  EXPECT_EQ(make_variant("performer:features=64")->spec(), "performer:features=64:seed=1");
  EXPECT_EQ(make_variant("performer:seed=3:features=5")->spec(), "performer:features=5:seed=3");
}

TEST(Performer, RefusesBadSpecs) {
  for (const char* spec : {"performer", "performer:features=0", "performer:features=abc",
                           "performer:features=8:seed=-1", "performer:features=8:bogus=1",
                           "performer:features=8:seed=x"})
    EXPECT_THROW(make_variant(spec), Error) << spec;
}

TEST(Performer, RefusesWorkAboveScratchBudget) {
  const Tensor q = uniform_tensor({2, 30, 8}, 0.5, 1), k = q, v = q;
  Options options;
  options.max_scratch_bytes = 4096;
  EXPECT_THROW(make_variant("performer:features=64")->run(q, k, v, Structure::plain(), options),
               Error);
}

// The scratch limit in Options can be above the machine (8 GB by default): the scratch is
// also checked against the memory budget, with the one out-of-memory message. Here a few
// MB of input ask for twice the budget (per head about 2·L·2m doubles for m = 65536).
TEST(Performer, ScratchAboveTheMemoryBudgetIsOutOfMemory) {
  const int64_t L = memory_budget_bytes() / (2 * 2 * 65536 * 8) * 2 + 1;
  const Tensor q({1, L, 1}, 0.1f), k = q, v = q;
  Options options;
  options.max_scratch_bytes = std::numeric_limits<int64_t>::max();
  const std::string message = vs::test::message_of(
      [&] { make_variant("performer:features=65536")->run(q, k, v, Structure::plain(), options); });
  EXPECT_EQ(message.rfind("performer:features=65536:seed=", 0), 0u) << message;
  EXPECT_NE(message.find(" scratch: out of memory: needs "), std::string::npos) << message;
}

}  // namespace
}  // namespace vs::attention
