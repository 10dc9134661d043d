#include "core/attention/poly_fit.h"

#include <algorithm>

#include "core/error.h"

namespace vs::attention {

std::string form_name(PolyForm form) {
  switch (form) {
    case PolyForm::kAuto: return "auto";
    case PolyForm::kPlain: return "plain";
    case PolyForm::kSquared: return "squared";
  }
  return "?";
}

namespace {

// Coefficients of p(x/2)² from those of p: c_n = 2^{−n}·Σ_{i+j=n} a_i·a_j.
std::vector<double> squared_half_argument(const std::vector<double>& a) {
  std::vector<double> c(2 * a.size() - 1, 0.0);
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t j = 0; j < a.size(); ++j) c[i + j] += a[i] * a[j];
  double half_power = 1.0;
  for (double& value : c) {
    value *= half_power;
    half_power *= 0.5;
  }
  return c;
}

}  // namespace

PolyFit fit_exp_polynomial(int degree, theory::ExpBasis basis, PolyForm form, double beta_bound) {
  if (form == PolyForm::kSquared && degree % 2)
    throw Error("poly: form=squared needs an even degree (P = p(x/2)² with p of degree g/2), got degree " +
                std::to_string(degree));
  PolyFit fit;
  fit.degree = degree;
  fit.basis = basis;
  fit.fit_beta = std::min(beta_bound, theory::kMaxExpBeta);
  if (form != PolyForm::kSquared) {
    fit.form = PolyForm::kPlain;
    fit.rel_error = theory::exp_relative_error(basis, degree, fit.fit_beta);
    fit.certified_positive =
        fit.rel_error < 1 || (basis == theory::ExpBasis::kTaylor && degree % 2 == 0);
    if (form == PolyForm::kPlain || fit.certified_positive || degree % 2) {
      fit.coefficients = theory::exp_polynomial_coefficients(basis, degree, fit.fit_beta);
      return fit;
    }
  }
  fit.form = PolyForm::kSquared;
  const double half_error = theory::exp_relative_error(basis, degree / 2, fit.fit_beta / 2);
  fit.rel_error = half_error * (2 + half_error);
  fit.certified_positive = true;
  fit.coefficients = squared_half_argument(
      theory::exp_polynomial_coefficients(basis, degree / 2, fit.fit_beta / 2));
  return fit;
}

DegreeChoice choose_degree(theory::ExpBasis basis, double beta_bound, double target_error,
                           int max_degree, const std::function<bool(int degree)>& affordable) {
  const double beta = std::min(beta_bound, theory::kMaxExpBeta);
  DegreeChoice choice;
  choice.basis = basis;
  choice.needed_degree = theory::least_exp_degree(basis, beta, target_error, max_degree);
  if (choice.needed_degree >= 0 && affordable(choice.needed_degree)) {
    choice.degree = choice.needed_degree;
    choice.target_met = true;
    return choice;
  }
  int largest = 0;  // degree 0 (rank 1) is always affordable
  while (largest < max_degree && affordable(largest + 1)) ++largest;
  choice.degree = largest;
  if (theory::exp_relative_error(basis, largest, beta) < 1) return choice;
  choice.degree = largest - largest % 2;
  choice.basis = theory::ExpBasis::kTaylor;
  return choice;
}

}  // namespace vs::attention
