// The Fréchet distance against closed forms: identical sets, shifted means, scaled
// isotropic covariances (d² = D(σ₁ − σ₂)²), a singular covariance, and bad inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "core/error.h"
#include "core/eval/frechet.h"
#include <random>

namespace {

using vs::Tensor;
using vs::eval::Gaussian;

// N standard normal rows of dimension D (Box–Muller on mt19937_64, whose output is fixed).
Tensor normal_features(int64_t n, int64_t d, uint64_t seed) {
  std::mt19937_64 engine(seed);
  auto uniform = [&] { return ((engine() >> 11) + 0.5) * 0x1.0p-53; };
  Tensor t({n, d});
  for (float& x : t.data)
    x = static_cast<float>(std::sqrt(-2 * std::log(uniform())) * std::cos(6.283185307179586 * uniform()));
  return t;
}

Gaussian isotropic(int d, double mean, double sigma) {
  Gaussian g;
  g.mean = Eigen::VectorXd::Constant(d, mean);
  g.covariance = Eigen::MatrixXd::Identity(d, d) * sigma * sigma;
  g.count = 100;
  return g;
}

TEST(Frechet, IdenticalSetsAreAtZero) {
  const Tensor f = normal_features(500, 16, 1);
  const Gaussian g = vs::eval::fit_gaussian(f);
  EXPECT_NEAR(vs::eval::frechet_distance(g, g), 0.0, 1e-9);
}

TEST(Frechet, ShiftedMeansGiveTheSquaredShift) {
  const Tensor f = normal_features(400, 8, 2);
  Tensor shifted = f;
  for (int64_t i = 0; i < shifted.dim(0); ++i) {
    shifted.data[i * 8 + 0] += 3.0f;
    shifted.data[i * 8 + 5] -= 4.0f;
  }
  const double d = vs::eval::frechet_distance(vs::eval::fit_gaussian(f), vs::eval::fit_gaussian(shifted));
  EXPECT_NEAR(d, 25.0, 1e-3);
}

TEST(Frechet, ScaledIsotropicCovariances) {
  // d² = |Δμ|² + D·(σ₁ − σ₂)²
  EXPECT_NEAR(vs::eval::frechet_distance(isotropic(10, 0, 1), isotropic(10, 0, 3)), 10 * 4.0, 1e-9);
  EXPECT_NEAR(vs::eval::frechet_distance(isotropic(4, 1, 2), isotropic(4, 0, 0.5)), 4 * 1.0 + 4 * 2.25, 1e-9);
}

TEST(Frechet, SymmetricAndFiniteForSingularCovariance) {
  // Fewer samples than dimensions: rank-deficient covariance, still a real, symmetric value.
  const Gaussian a = vs::eval::fit_gaussian(normal_features(10, 32, 3));
  const Gaussian b = vs::eval::fit_gaussian(normal_features(12, 32, 4));
  const double ab = vs::eval::frechet_distance(a, b), ba = vs::eval::frechet_distance(b, a);
  EXPECT_TRUE(std::isfinite(ab));
  EXPECT_GT(ab, 0.0);
  EXPECT_NEAR(ab, ba, 1e-6 * ab);
}

TEST(Frechet, FitMatchesKnownMeanAndUnbiasedCovariance) {
  Tensor f({3, 2});
  f.data = {1, 2, 3, 2, 5, 8};  // column 0: 1,3,5 (var 4); column 1: 2,2,8 (var 12)
  const Gaussian g = vs::eval::fit_gaussian(f);
  EXPECT_NEAR(g.mean(0), 3.0, 1e-12);
  EXPECT_NEAR(g.mean(1), 4.0, 1e-12);
  EXPECT_NEAR(g.covariance(0, 0), 4.0, 1e-12);
  EXPECT_NEAR(g.covariance(1, 1), 12.0, 1e-12);
  EXPECT_NEAR(g.covariance(0, 1), 6.0, 1e-12);
}

TEST(Frechet, RefusesBadInputs) {
  EXPECT_THROW(vs::eval::fit_gaussian(Tensor({1, 4})), vs::Error);
  EXPECT_THROW(vs::eval::fit_gaussian(Tensor({8})), vs::Error);
  Tensor nan({4, 2});
  nan.data[3] = std::nanf("");
  EXPECT_THROW(vs::eval::fit_gaussian(nan), vs::Error);
  EXPECT_THROW(vs::eval::frechet_distance(isotropic(3, 0, 1), isotropic(4, 0, 1)), vs::Error);
}

}  // namespace
