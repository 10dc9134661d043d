// poly_fit: which polynomial a poly run uses, checked by evaluating it (long double, on a
// dense grid) against e^x: the squared form is positive everywhere, its reported error
// bounds the measured one, and the form rule and poly:auto's degree choice follow §2.2.
#include <gtest/gtest.h>

#include <cmath>

#include "core/attention/poly_fit.h"
#include "core/error.h"
#include "core/theory/rank.h"

namespace vs::attention {
namespace {

using theory::ExpBasis;

long double evaluate(const std::vector<double>& c, long double x) {
  long double p = 0;
  for (size_t m = c.size(); m-- > 0;) p = p * x + c[m];
  return p;
}

// max |P/e^x − 1| and min P over 4001 points of [−β, β].
struct Measured {
  double rel_error = 0, min_value = INFINITY;
};
Measured measure(const PolyFit& fit) {
  Measured m;
  for (int i = 0; i <= 4000; ++i) {
    const long double x = fit.fit_beta * (-1 + i / 2000.0L);
    const long double p = evaluate(fit.coefficients, x);
    m.rel_error = std::max(m.rel_error, double(std::fabs(p / std::exp(x) - 1)));
    m.min_value = std::min(m.min_value, double(p));
  }
  return m;
}

TEST(PolyFit, SquaredFormIsPositiveAndItsErrorBoundHolds) {
  for (ExpBasis basis : {ExpBasis::kTaylor, ExpBasis::kChebyshev})
    for (int degree : {0, 2, 4, 6, 8})
      for (double beta : {0.3, 1.0, 3.0, 6.8}) {
        SCOPED_TRACE(theory::basis_name(basis) + " g=" + std::to_string(degree) + " β=" + std::to_string(beta));
        const PolyFit fit = fit_exp_polynomial(degree, basis, PolyForm::kSquared, beta);
        ASSERT_EQ(fit.coefficients.size(), size_t(degree + 1));
        EXPECT_EQ(fit.form, PolyForm::kSquared);
        EXPECT_TRUE(fit.certified_positive);
        const Measured m = measure(fit);
        EXPECT_GE(m.min_value, 0.0);
        // δ(2 + δ) bounds the squared error; for δ < 1 it is tight within (2 + δ)/(2 − δ).
        EXPECT_LE(m.rel_error, fit.rel_error * (1 + 1e-6) + 1e-12);
        if (fit.rel_error > 1e-6 && fit.rel_error < 0.5) {
          EXPECT_GT(m.rel_error, 0.5 * fit.rel_error);
        }
      }
}

TEST(PolyFit, AutoFormKeepsPlainWhereItIsProvablyPositive) {
  // Small β: the plain Chebyshev polynomial has ε < 1 (so P > 0) and is the more accurate.
  PolyFit fit = fit_exp_polynomial(4, ExpBasis::kChebyshev, PolyForm::kAuto, 1.0);
  EXPECT_EQ(fit.form, PolyForm::kPlain);
  EXPECT_TRUE(fit.certified_positive);
  EXPECT_LT(fit.rel_error, fit_exp_polynomial(4, ExpBasis::kChebyshev, PolyForm::kSquared, 1.0).rel_error);
  // β = 6.8: plain degree 4 has ε ≫ 1 and goes negative; auto squares it.
  const PolyFit plain = fit_exp_polynomial(4, ExpBasis::kChebyshev, PolyForm::kPlain, 6.8);
  EXPECT_FALSE(plain.certified_positive);
  EXPECT_LT(measure(plain).min_value, 0.0);
  fit = fit_exp_polynomial(4, ExpBasis::kChebyshev, PolyForm::kAuto, 6.8);
  EXPECT_EQ(fit.form, PolyForm::kSquared);
  // Even Taylor is positive on ℝ whatever its error; odd degrees stay plain, uncertified.
  fit = fit_exp_polynomial(2, ExpBasis::kTaylor, PolyForm::kAuto, 6.8);
  EXPECT_EQ(fit.form, PolyForm::kPlain);
  EXPECT_TRUE(fit.certified_positive);
  EXPECT_GT(fit.rel_error, 1);
  EXPECT_GT(measure(fit).min_value, 0.0);
  fit = fit_exp_polynomial(3, ExpBasis::kChebyshev, PolyForm::kAuto, 6.8);
  EXPECT_EQ(fit.form, PolyForm::kPlain);
  EXPECT_FALSE(fit.certified_positive);
  EXPECT_THROW(fit_exp_polynomial(3, ExpBasis::kTaylor, PolyForm::kSquared, 1.0), Error);
}

TEST(PolyFit, FitsOnTheBoundCappedAtTheLargestSupportedBeta) {
  const PolyFit fit = fit_exp_polynomial(2, ExpBasis::kTaylor, PolyForm::kAuto, 1e4);
  EXPECT_EQ(fit.fit_beta, theory::kMaxExpBeta);
}

TEST(PolyFit, ChooseDegreeIsTheLeastDegreeWithinTheLimits) {
  const auto all = [](int) { return true; };
  // Theory §2.8 Table A (Chebyshev): β = 1, ε = 1e−2 → 4; β = 4 → 10.
  EXPECT_EQ(choose_degree(ExpBasis::kChebyshev, 1.0, 1e-2, 16, all).degree, 4);
  EXPECT_EQ(choose_degree(ExpBasis::kChebyshev, 4.0, 1e-2, 16, all).degree, 10);
  EXPECT_TRUE(choose_degree(ExpBasis::kChebyshev, 4.0, 1e-2, 16, all).target_met);
  EXPECT_EQ(choose_degree(ExpBasis::kTaylor, 1.0, 1e-2, 16, all).degree, 5);
  // Limited to degree ≤ 7 at β = 4: Chebyshev ε(7) < 1, so degree 7 (a §2.5 bound exists).
  DegreeChoice c = choose_degree(ExpBasis::kChebyshev, 4.0, 1e-2, 16, [](int g) { return g <= 7; });
  EXPECT_FALSE(c.target_met);
  EXPECT_EQ(c.needed_degree, 10);
  EXPECT_EQ(c.degree, 7);
  EXPECT_EQ(c.basis, ExpBasis::kChebyshev);
  EXPECT_LT(theory::exp_relative_error(ExpBasis::kChebyshev, 7, 4.0), 1);
  // Limited to degree ≤ 5 at β = 6.8: ε(5) ≥ 1, so the largest even Taylor degree, 4.
  ASSERT_GE(theory::exp_relative_error(ExpBasis::kChebyshev, 5, 6.8), 1);
  c = choose_degree(ExpBasis::kChebyshev, 6.8, 1e-2, 16, [](int g) { return g <= 5; });
  EXPECT_FALSE(c.target_met);
  EXPECT_EQ(c.degree, 4);
  EXPECT_EQ(c.basis, ExpBasis::kTaylor);
  // Beyond the largest degree searched: none meets the target.
  c = choose_degree(ExpBasis::kChebyshev, 30.0, 1e-2, 16, all);
  EXPECT_EQ(c.needed_degree, -1);
  EXPECT_EQ(c.degree, 16);
  EXPECT_EQ(c.basis, ExpBasis::kTaylor);
}

}  // namespace
}  // namespace vs::attention
