// The theory numbers against theory.md §2.8 (Tables A and B, the worked rows, the
// floating-point notes) and against independent computations (direct long-double
// evaluation of the polynomials, libstdc++'s Bessel functions).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/theory/exp_polynomial.h"
#include "core/theory/rank.h"
#include "core/theory/threshold.h"

namespace vs::theory {
namespace {

// Relative sup error of Σ c_k x^k against e^x on a uniform grid, evaluated directly in long
// double: an independent check of the error series for ranges where it is accurate.
double direct_relative_error(const std::vector<double>& coefficients, double beta) {
  long double worst = 0;
  const int points = 4001;
  for (int i = 0; i < points; ++i) {
    const long double x = -beta + 2.0L * beta * i / (points - 1);
    long double value = 0;
    for (int k = static_cast<int>(coefficients.size()) - 1; k >= 0; --k)
      value = value * x + coefficients[k];
    worst = std::max(worst, std::fabs(value - std::exp(x)) / std::exp(x));
  }
  return static_cast<double>(worst);
}

TEST(TheoryTableA, LeastDegreesMatchTheTableExactly) {
  // theory §2.8 Table A: Taylor / Chebyshev least degree for relative error ε on [−β, β].
  struct Row {
    double beta;
    int taylor[3], chebyshev[3];
  };
  const Row table[] = {
      {0.25, {2, 3, 5}, {2, 2, 4}},    {0.5, {3, 4, 7}, {2, 3, 6}},
      {1, {5, 6, 9}, {4, 5, 7}},       {2, {8, 10, 14}, {6, 7, 10}},
      {4, {15, 17, 21}, {10, 11, 15}}, {8, {30, 31, 36}, {19, 20, 24}},
      {16, {58, 60, 65}, {37, 38, 42}}, {25, {90, 92, 97}, {57, 58, 62}},
  };
  const double targets[3] = {1e-2, 1e-3, 1e-6};
  for (const Row& row : table)
    for (int e = 0; e < 3; ++e) {
      SCOPED_TRACE("beta=" + std::to_string(row.beta) + " eps=" + std::to_string(targets[e]));
      EXPECT_EQ(least_exp_degree(ExpBasis::kTaylor, row.beta, targets[e]), row.taylor[e]);
      EXPECT_EQ(least_exp_degree(ExpBasis::kChebyshev, row.beta, targets[e]), row.chebyshev[e]);
    }
}

TEST(TheoryTableA, ChebyshevNeverNeedsMoreDegreeThanTaylor) {
  for (double beta : {0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 12.0, 20.0,
                      40.0})
    for (double eps : {0.5, 1e-1, 1e-2, 1e-3, 1e-4, 1e-6, 1e-9, 1e-12}) {
      SCOPED_TRACE("beta=" + std::to_string(beta) + " eps=" + std::to_string(eps));
      const int taylor = least_exp_degree(ExpBasis::kTaylor, beta, eps);
      const int chebyshev = least_exp_degree(ExpBasis::kChebyshev, beta, eps);
      ASSERT_GE(taylor, 0);
      ASSERT_GE(chebyshev, 0);
      EXPECT_LE(chebyshev, taylor);
    }
}

TEST(TheoryTableA, LeastDegreeIsTheFirstThatReachesTheTarget) {
  for (ExpBasis basis : {ExpBasis::kTaylor, ExpBasis::kChebyshev})
    for (double beta : {0.5, 3.0, 9.0}) {
      const int g = least_exp_degree(basis, beta, 1e-4);
      ASSERT_GT(g, 0);
      EXPECT_LE(exp_relative_error(basis, g, beta), 1e-4);
      EXPECT_GT(exp_relative_error(basis, g - 1, beta), 1e-4);
    }
}

TEST(TheoryExpPolynomial, DegreeOneNumbersOfSection28) {
  // "at β = 0.05 the Chebyshev error is 0.065% (Taylor 0.13%); at β = 0.1 it is 0.27%".
  EXPECT_NEAR(exp_relative_error(ExpBasis::kChebyshev, 1, 0.05), 0.00065, 0.00001);
  EXPECT_NEAR(exp_relative_error(ExpBasis::kTaylor, 1, 0.05), 0.0013, 0.00001);
  EXPECT_NEAR(exp_relative_error(ExpBasis::kChebyshev, 1, 0.1), 0.0027, 0.00005);
}

TEST(TheoryExpPolynomial, ErrorSeriesAgreesWithDirectEvaluationWhereThatIsAccurate) {
  for (ExpBasis basis : {ExpBasis::kTaylor, ExpBasis::kChebyshev})
    for (double beta : {0.1, 0.7, 1.0, 2.5})
      for (int g : {0, 1, 2, 3, 5, 8}) {
        SCOPED_TRACE(basis_name(basis) + " beta=" + std::to_string(beta) + " g=" +
                     std::to_string(g));
        const double series = exp_relative_error(basis, g, beta);
        const double direct = direct_relative_error(exp_polynomial_coefficients(basis, g, beta), beta);
        EXPECT_NEAR(series, direct, 1e-3 * direct + 1e-15);
      }
}

TEST(TheoryExpPolynomial, TaylorCoefficientsAreInverseFactorials) {
  const std::vector<double> c = exp_polynomial_coefficients(ExpBasis::kTaylor, 5, 3.0);
  ASSERT_EQ(c.size(), 6u);
  const double expected[] = {1, 1, 0.5, 1.0 / 6, 1.0 / 24, 1.0 / 120};
  for (int k = 0; k < 6; ++k) EXPECT_DOUBLE_EQ(c[k], expected[k]);
}

TEST(TheoryExpPolynomial, ChebyshevPolynomialInterpolatesAtTheChebyshevRoots) {
  for (double beta : {1e-6, 0.3, 1.0, 4.0})
    for (int g : {0, 1, 2, 4, 7}) {
      const std::vector<double> c = exp_polynomial_coefficients(ExpBasis::kChebyshev, g, beta);
      const int n = g + 1;
      for (int j = 0; j < n; ++j) {
        const long double x = beta * std::cos(std::acos(-1.0L) * (2 * j + 1) / (2 * n));
        long double p = 0;
        for (int k = g; k >= 0; --k) p = p * x + c[k];
        EXPECT_NEAR(double(p / std::exp(x)), 1.0, 1e-12)
            << "beta=" << beta << " g=" << g << " node " << j;
      }
    }
}

TEST(TheoryExpPolynomial, ChebyshevTendsToTaylorAsTheRangeShrinks) {
  const std::vector<double> taylor = exp_polynomial_coefficients(ExpBasis::kTaylor, 6, 0.0);
  const std::vector<double> tiny = exp_polynomial_coefficients(ExpBasis::kChebyshev, 6, 1e-5);
  for (int k = 0; k <= 6; ++k) EXPECT_NEAR(tiny[k], taylor[k], 1e-6 * taylor[k]);
}

TEST(TheoryExpPolynomial, ScaledBesselFunctionsMatchTheStandardLibrary) {
  for (double beta : {0.01, 1.0, 7.5, 25.0, 120.0}) {
    const std::vector<double> scaled = scaled_bessel_i(beta, 40);
    for (int m : {0, 1, 2, 5, 13, 40}) {
      const double reference = std::cyl_bessel_i(double(m), beta) * std::exp(-beta);
      EXPECT_NEAR(scaled[m], reference, 1e-12 * reference) << "beta=" << beta << " m=" << m;
    }
  }
}

TEST(TheoryExpPolynomial, BadArgumentsThrow) {
  EXPECT_THROW(least_exp_degree(ExpBasis::kTaylor, -1.0, 1e-3), Error);
  EXPECT_THROW(least_exp_degree(ExpBasis::kTaylor, 1.0, 0.0), Error);
  EXPECT_THROW(least_exp_degree(ExpBasis::kTaylor, 1.0, 1.0), Error);
  EXPECT_THROW(exp_relative_error(ExpBasis::kChebyshev, -1, 1.0), Error);
  EXPECT_THROW(exp_polynomial_coefficients(ExpBasis::kChebyshev, 3, kMaxExpBeta * 2), Error);
  EXPECT_THROW(exp_polynomial_coefficients(ExpBasis::kChebyshev, 65, 1.0), Error);
}

TEST(TheoryTableB, RanksMatchTheTableExactly) {
  const int64_t d8[] = {1, 9, 45, 165, 495, 1287, 3003, 6435, 12870};
  const int64_t d16[] = {1, 17, 153, 969, 4845, 20349, 74613, 245157, 735471};
  // The table rounds the large d = 64 entries (1.1e7, 1.3e8, 1.3e9, 1.2e10); these are
  // the exact binomials C(64+g, g).
  const int64_t d64[] = {1,        65,        2145,       47905,      814385,
                         11238513, 131115985, 1329890705, 11969016345};
  for (int g = 0; g <= 8; ++g) {
    EXPECT_EQ(monomial_rank_saturating(8, g), d8[g]);
    EXPECT_EQ(monomial_rank_saturating(16, g), d16[g]);
    EXPECT_EQ(monomial_rank_saturating(64, g), d64[g]);
    EXPECT_EQ(monomial_rank(64, g), double(d64[g]));
  }
  EXPECT_NEAR(monomial_rank(64, 5), 1.1e7, 0.05e7);
  EXPECT_NEAR(monomial_rank(64, 8), 1.2e10, 0.05e10);
}

TEST(TheoryTableB, RankIsTheMonomialCountSumOverDegrees) {
  // r = Σ_{k≤g} C(d+k−1, k) (§2.3).
  for (int d : {1, 3, 8, 64})
    for (int g = 0; g <= 10; ++g) {
      double sum = 0;
      for (int k = 0; k <= g; ++k) sum += binomial(d + k - 1, k);
      EXPECT_EQ(monomial_rank(d, g), sum);
    }
}

TEST(TheoryTableB, SaturatesInsteadOfOverflowing) {
  EXPECT_EQ(binomial_saturating(200, 100), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(binomial_saturating(66, 33), 7219428434016265740LL);  // just below 2^63
  EXPECT_EQ(binomial_saturating(68, 34), std::numeric_limits<int64_t>::max());
  EXPECT_NEAR(binomial(200, 100) / 9.054851465610328e58, 1.0, 1e-12);
  EXPECT_THROW(binomial(3, 4), Error);
  EXPECT_THROW(monomial_rank(0, 2), Error);
}

TEST(TheoryWorkedNumbers, RowsOfSection28) {
  // n = 4096, ε = 1e−3, d = 8 and 16, the four rows B = 0.5, 1, 2, 3.
  struct Row {
    double beta;
    double ratio;
    int taylor, chebyshev;
    double rank8, rank16, as23, taylor_rank8;
    Zone zone;
  };
  const Row rows[] = {
      {0.25, 0.17, 3, 2, 45, 153, 4845, 165, Zone::kProvablyFast},
      {1, 0.35, 6, 5, 1287, 20349, 5.3e6, 3003, Zone::kProvablyFast},
      {4, 0.69, 17, 11, 75582, 1.3e7, 2.2e10, 1.1e6, Zone::kGreyBand},
      {9, 1.04, 35, 23, 7.9e6, 3.8e10, 2.7e14, 1.5e8, Zone::kSethHard},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE("beta=" + std::to_string(row.beta));
    const ThresholdReport r8 = threshold_report(4096, 8, row.beta, 1e-3);
    const ThresholdReport r16 = threshold_report(4096, 16, row.beta, 1e-3);
    EXPECT_NEAR(r8.threshold, 2.884, 0.0005);
    EXPECT_NEAR(r8.ratio, row.ratio, 0.005);
    EXPECT_EQ(r8.zone, row.zone);
    EXPECT_EQ(r8.zone_name, zone_name(row.zone));
    EXPECT_FALSE(r8.zone_explanation.empty());
    EXPECT_EQ(r8.taylor.degree, row.taylor);
    EXPECT_EQ(r8.chebyshev.degree, row.chebyshev);
    EXPECT_LE(r8.chebyshev.relative_error, 1e-3);
    EXPECT_NEAR(r8.chebyshev.rank / row.rank8, 1.0, 0.02);
    EXPECT_NEAR(r16.chebyshev.rank / row.rank16, 1.0, 0.05);
    EXPECT_NEAR(r8.chebyshev.as23_rank_bound / row.as23, 1.0, 0.05);
    EXPECT_NEAR(r8.taylor.rank / row.taylor_rank8, 1.0, 0.05);
    EXPECT_DOUBLE_EQ(r8.chebyshev.speedup, 4096.0 / r8.chebyshev.rank);
  }
  // Speed-ups quoted in the table: ~91x, ~3x (d = 8); ~27x, 0.2x (d = 16).
  EXPECT_NEAR(threshold_report(4096, 8, 0.25, 1e-3).chebyshev.speedup, 91, 0.5);
  EXPECT_NEAR(threshold_report(4096, 8, 1, 1e-3).chebyshev.speedup, 3.2, 0.1);
  EXPECT_NEAR(threshold_report(4096, 16, 0.25, 1e-3).chebyshev.speedup, 27, 0.5);
  EXPECT_NEAR(threshold_report(4096, 16, 1, 1e-3).chebyshev.speedup, 0.2, 0.01);
}

TEST(TheoryThreshold, ZonesAndTheirSoftBoundaries) {
  EXPECT_NEAR(log_threshold(4096), 2.884, 0.0005);
  EXPECT_EQ(log_threshold(1), 0.0);
  EXPECT_TRUE(std::isnan(threshold_ratio(1.0, 1)));
  EXPECT_EQ(zone_for_ratio(std::nan("")), Zone::kUndefined);
  EXPECT_EQ(zone_for_ratio(0.0), Zone::kProvablyFast);
  EXPECT_EQ(zone_for_ratio(0.4999), Zone::kProvablyFast);
  EXPECT_EQ(zone_for_ratio(0.5), Zone::kGreyBand);
  EXPECT_EQ(zone_for_ratio(0.9999), Zone::kGreyBand);
  EXPECT_EQ(zone_for_ratio(1.0), Zone::kSethHard);
  // β = ln L puts B_eff exactly on the threshold.
  EXPECT_NEAR(threshold_ratio(std::log(680.0), 680), 1.0, 1e-12);
  const ThresholdReport report = threshold_report(4096, 8, 4, 1e-3);
  EXPECT_NEAR(report.kappa, 4 / std::log(4096.0), 1e-12);
  EXPECT_DOUBLE_EQ(report.b_eff, 2.0);
}

TEST(TheoryThreshold, PrecisionWallsOfSection28) {
  // "In float64 1e−3 fails beyond β ≈ 15 … In float32 the limit is β ≈ 5."
  EXPECT_FALSE(threshold_report(4096, 8, 14, 1e-3).float64.exceeds_target);
  EXPECT_TRUE(threshold_report(4096, 8, 16, 1e-3).float64.exceeds_target);
  EXPECT_FALSE(threshold_report(4096, 8, 4.5, 1e-3).float32.exceeds_target);
  EXPECT_TRUE(threshold_report(4096, 8, 5.5, 1e-3).float32.exceeds_target);
  const PrecisionWall wall = precision_wall(kUnitRoundoffFloat64, 16, 1e-3);
  EXPECT_NEAR(wall.relative_error, kUnitRoundoffFloat64 * std::exp(32.0), 1e-18);
}

TEST(TheoryThreshold, RealVarHeadsGainNothingAtDegreeTwo) {
  // "Degree 2 already gives r = 2145 > L" for d = 64, L = 680 or 2240.
  EXPECT_EQ(monomial_rank_saturating(64, 2), 2145);
  EXPECT_GT(monomial_rank(64, 2), 680);
  EXPECT_LT(2240.0 / monomial_rank(64, 2), 1.05);
}

TEST(TheoryThreshold, BadArgumentsThrow) {
  EXPECT_THROW(threshold_report(1, 8, 1, 1e-3), Error);
  EXPECT_THROW(threshold_report(4096, 0, 1, 1e-3), Error);
  EXPECT_THROW(threshold_report(4096, 8, -1, 1e-3), Error);
  EXPECT_THROW(threshold_report(4096, 8, 1, 0), Error);
  EXPECT_THROW(threshold_report(4096, 8, 1e6, 1e-3), Error);
}

TEST(TheoryThreshold, HugeBetaReportsNoDegreeInsteadOfHanging) {
  const ThresholdReport report = threshold_report(4096, 8, kMaxExpBeta, 1e-3);
  EXPECT_EQ(report.taylor.degree, -1);  // Taylor needs more than 1000 at β = 300
  EXPECT_TRUE(std::isinf(report.taylor.rank));
  EXPECT_GT(report.chebyshev.degree, 0);
  EXPECT_TRUE(report.float64.exceeds_target);
}

}  // namespace
}  // namespace vs::theory
