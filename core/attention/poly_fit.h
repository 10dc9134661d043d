// Which polynomial P ≈ exp a `poly` run uses on one head's logit range [−β̂, β̂], and what
// is known about it: its relative error and whether it is provably positive there.
//
// Positivity (theory §2.2): a kernel value P(x) ≤ 0 makes the row's denominator D̃ ≤ 0 and
// the output explode. Two constructions are positive whatever the degree and β̂:
//  - plain P with relative error ε < 1 on [−β̂, β̂] (|P − e^x| < e^x), and the even-degree
//    Taylor polynomial on all of ℝ (at its minimum T'_{2m} = T_{2m−1} = 0, so
//    T_{2m}(x) = x^{2m}/(2m)! > 0);
//  - squared: P(x) = p(x/2)² with p ≈ e^{y} of degree g/2 on [−β̂/2, β̂/2]. P ≥ 0 everywhere,
//    and if |p/e^y − 1| ≤ δ then |P/e^x − 1| ≤ δ(2 + δ). Same feature map, degree g.
// Form kAuto keeps plain where it is certified positive (no accuracy is lost where the
// construction already works) and squares otherwise, if the degree is even; an odd degree
// with ε ≥ 1 cannot be made positive and runs plain, its failed rows reported.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/theory/exp_polynomial.h"

namespace vs::attention {

enum class PolyForm { kAuto, kPlain, kSquared };

// "auto" / "plain" / "squared"
std::string form_name(PolyForm form);

struct PolyFit {
  int degree = 0;
  theory::ExpBasis basis = theory::ExpBasis::kTaylor;
  PolyForm form = PolyForm::kPlain;  // kPlain or kSquared, never kAuto
  double fit_beta = 0;               // P is fitted on [−fit_beta, fit_beta]
  std::vector<double> coefficients;  // c_0..c_g of P(x) = Σ c_k x^k
  double rel_error = 0;              // max |P/e^x − 1| on [−fit_beta, fit_beta] (a bound for squared)
  bool certified_positive = false;   // P > 0 on [−fit_beta, fit_beta] by the rules above
};

// The degree-g polynomial for a head whose logits are bounded by beta_bound (fitted on
// min(beta_bound, theory::kMaxExpBeta)). kSquared with an odd degree throws vs::Error.
PolyFit fit_exp_polynomial(int degree, theory::ExpBasis basis, PolyForm form, double beta_bound);

// poly:auto's choice for one call: the least degree whose plain polynomial reaches
// target_error on [−β̂, β̂] (then positive, as target_error < 1), among the degrees
// `affordable` accepts (increasing in the degree: rank and scratch limits). When none
// does: the largest affordable degree if its error is still < 1 (a §2.5 bound exists),
// else the largest affordable even degree with the Taylor basis (positive on ℝ; with a
// loose β̂ most logits lie near 0, where Taylor is exact to high order).
struct DegreeChoice {
  int degree = 0;
  theory::ExpBasis basis = theory::ExpBasis::kChebyshev;
  bool target_met = false;
  int needed_degree = -1;  // least degree reaching the target regardless of cost; −1: none ≤ max_degree
};
DegreeChoice choose_degree(theory::ExpBasis basis, double beta_bound, double target_error,
                           int max_degree, const std::function<bool(int degree)>& affordable);

}  // namespace vs::attention
