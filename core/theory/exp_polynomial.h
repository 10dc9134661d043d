// Polynomials that approximate exp on a symmetric logit range [−β, β] (theory §2.2):
// the Taylor polynomial centred at 0 and the Chebyshev interpolant (nodes at the roots of
// T_{g+1}, i.e. first-kind Chebyshev points, mapped to [−β, β]). Errors are *relative*
// to e^x, the measure the (ε, r)-approximation of AS23 and the output bound of §2.5 use.
//
// Why errors are not measured by evaluating the monomials: Σ c_k x^k at x = −β cancels
// terms of size e^β down to e^−β, so a float64 evaluation is only good to u·e^{2β}
// (theory §2.8, floating point) and Table A's large-β cells would be wrong. Instead the
// error e^x − p(x) is summed from its own series, whose terms shrink quickly and do not
// cancel: the Taylor remainder Σ_{k>g} x^k/k!, and for Chebyshev the aliased tail of
// e^{βt} = I_0(β) + 2Σ I_m(β) T_m(t). So the least degrees are the mathematical ones, not
// the ones a float64 evaluation could reach; the precision wall is reported separately.
#pragma once
#include <string>
#include <vector>

namespace vs::theory {

enum class ExpBasis { kTaylor, kChebyshev };

// "taylor" / "chebyshev"
std::string basis_name(ExpBasis basis);

// Largest β these functions accept: beyond it e^{2β} (the relative weight at x = −β)
// overflows double. Larger arguments throw vs::Error.
constexpr double kMaxExpBeta = 300.0;

// Monomial coefficients c_0..c_g of the degree-g approximation of exp on [−β, β], so that
// p(x) = Σ_k c_k x^k. Taylor: c_k = 1/k! (β is ignored). Chebyshev: the interpolant,
// converted from its Chebyshev coefficients (computed exactly from Bessel functions, so
// tiny β does not amplify rounding noise); as β → 0 it tends to the Taylor polynomial,
// which is returned for β below 1e-8. The monomial form is what the feature map of §2.3
// needs; at large β and g its coefficients cancel badly (use it for g ≲ 20).
std::vector<double> exp_polynomial_coefficients(ExpBasis basis, int degree, double beta);

// Relative sup error max_{x∈[−β,β]} |p(x) − e^x| / e^x of the degree-g polynomial above,
// on a dense grid (uniform in θ with x = −β·cos θ, at least 2001 points, endpoints
// included), computed from the error series (see the file comment).
double exp_relative_error(ExpBasis basis, int degree, double beta);

// Least degree g ≤ max_degree whose relative error is ≤ target (searched upwards from 0,
// not tabulated); −1 when none is. target must be in (0, 1).
int least_exp_degree(ExpBasis basis, double beta, double target, int max_degree = 1000);

// e^{−β}·I_m(β) for m = 0..max_order (modified Bessel functions of the first kind, scaled),
// by Miller's backward recurrence normalised with I_0 + 2Σ I_m = e^β. Exposed for tests.
std::vector<double> scaled_bessel_i(double beta, int max_order);

}  // namespace vs::theory
