#include "core/theory/exp_polynomial.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace vs::theory {

namespace {

void check_arguments(const char* who, int degree, double beta) {
  if (degree < 0)
    throw Error(std::string(who) + ": degree must be ≥ 0, got " + std::to_string(degree));
  if (!(beta >= 0.0 && beta <= kMaxExpBeta))
    throw Error(std::string(who) + ": logit range β must be in [0, " +
                std::to_string(kMaxExpBeta) + "], got " + std::to_string(beta));
}

// Where T_m lands when sampled at the n roots of T_n (interpolation aliasing): with
// θ_j = (2j+1)π/(2n), cos((2qn ± s)θ_j) = (−1)^q cos(sθ_j), and T_n vanishes there.
struct Alias {
  int order;  // −1: aliases to 0
  double sign;
};
Alias chebyshev_alias(int m, int n) {
  const int period = 2 * n, q = m / period, s = m % period;
  if (s < n) return {s, (q % 2) ? -1.0 : 1.0};
  if (s == n) return {-1, 0.0};
  return {period - s, (q % 2) ? 1.0 : -1.0};
}

// Coefficients of e^{βt} = Σ coef_m T_m(t), scaled by e^{−β}: coef_0 = Ĩ_0, coef_m = 2Ĩ_m.
std::vector<double> scaled_chebyshev_series(double beta, int max_order) {
  std::vector<double> coef = scaled_bessel_i(beta, max_order);
  for (int m = 1; m <= max_order; ++m) coef[m] *= 2.0;
  return coef;
}

// Order up to which the Chebyshev series is summed for a degree-g interpolant: I_m(β)
// shrinks by at least 4× per order beyond 2β, so 64 more orders leave < 4^−64 behind.
int series_cutoff(int degree, double beta) {
  return std::max(degree + 1, static_cast<int>(std::ceil(2.0 * beta))) + 64;
}

// Relative error (p(x) − e^x)/e^x of the Taylor polynomial at x, from the remainder
// Σ_{k>g} x^k/k! (no cancellation near the degrees that matter, see the header).
double taylor_relative_error_at(int degree, double x) {
  if (x == 0.0) return 0.0;
  const double ax = std::fabs(x);
  int k = degree + 1;
  double term = std::exp(k * std::log(ax) - std::lgamma(k + 1.0));
  if (x < 0 && (k % 2)) term = -term;
  double tail = 0.0;
  for (;; ++k) {
    tail += term;
    if (k > ax && std::fabs(term) <= 1e-20 * std::fabs(tail)) break;
    if (term == 0.0) break;
    term *= x / (k + 1);
  }
  return std::fabs(tail) * std::exp(-x);
}

// Relative error of the degree-g Chebyshev interpolant at x = βt, from the aliased tail of
// the Chebyshev series; `coef` is scaled_chebyshev_series(β, M), `chebyshev` a buffer.
double chebyshev_relative_error_at(int degree, double beta, const std::vector<double>& coef,
                                   double t, std::vector<double>& chebyshev) {
  const int n = degree + 1, max_order = static_cast<int>(coef.size()) - 1;
  chebyshev.resize(max_order + 1);
  chebyshev[0] = 1.0;
  if (max_order >= 1) chebyshev[1] = t;
  for (int m = 2; m <= max_order; ++m) chebyshev[m] = 2.0 * t * chebyshev[m - 1] - chebyshev[m - 2];
  double error = 0.0;  // (e^{βt} − p(t))·e^{−β}
  for (int m = n; m <= max_order; ++m) {
    const Alias alias = chebyshev_alias(m, n);
    const double aliased = alias.order < 0 ? 0.0 : alias.sign * chebyshev[alias.order];
    error += coef[m] * (chebyshev[m] - aliased);
  }
  return std::fabs(error) * std::exp(beta * (1.0 - t));
}

// The dense grid of the header: t = −cos θ, θ uniform on [0, π], endpoints included.
int grid_points(int degree) { return std::max(2001, 20 * (degree + 1) + 1); }
double grid_t(int i, int points) { return -std::cos(std::acos(-1.0) * i / (points - 1)); }

double chebyshev_relative_error(int degree, double beta) {
  if (beta == 0.0) return 0.0;
  const std::vector<double> coef = scaled_chebyshev_series(beta, series_cutoff(degree, beta));
  std::vector<double> chebyshev;
  const int points = grid_points(degree);
  double worst = 0.0;
  for (int i = 0; i < points; ++i)
    worst = std::max(worst, chebyshev_relative_error_at(degree, beta, coef, grid_t(i, points),
                                                        chebyshev));
  return worst;
}

double taylor_relative_error(int degree, double beta) {
  const int points = grid_points(degree);
  double worst = 0.0;
  for (int i = 0; i < points; ++i)
    worst = std::max(worst, taylor_relative_error_at(degree, beta * grid_t(i, points)));
  return worst;
}

// The error at x = −β alone: a lower bound of the sup, cheap enough to skip hopeless
// degrees during the search.
double endpoint_relative_error(ExpBasis basis, int degree, double beta) {
  if (basis == ExpBasis::kTaylor) return taylor_relative_error_at(degree, -beta);
  if (beta == 0.0) return 0.0;
  const std::vector<double> coef = scaled_chebyshev_series(beta, series_cutoff(degree, beta));
  std::vector<double> chebyshev;
  return chebyshev_relative_error_at(degree, beta, coef, -1.0, chebyshev);
}

}  // namespace

std::string basis_name(ExpBasis basis) {
  return basis == ExpBasis::kTaylor ? "taylor" : "chebyshev";
}

std::vector<double> scaled_bessel_i(double beta, int max_order) {
  if (max_order < 0) throw Error("scaled_bessel_i: negative order " + std::to_string(max_order));
  if (!(beta >= 0.0 && beta <= kMaxExpBeta))
    throw Error("scaled_bessel_i: argument must be in [0, " + std::to_string(kMaxExpBeta) +
                "], got " + std::to_string(beta));
  std::vector<double> scaled(max_order + 1, 0.0);
  scaled[0] = 1.0;
  if (beta == 0.0) return scaled;
  // Ratios ρ_k = I_k/I_{k−1} from the recurrence I_{k−1} = (2k/β) I_k + I_{k+1}, run
  // downwards from an order far beyond both max_order and β (where ρ ≈ 0): the backward
  // direction is stable for the decaying solution I_k, and ratios never overflow.
  const double reach = std::max<double>(max_order, std::ceil(beta));
  const int start = static_cast<int>(reach + 50 + std::ceil(std::sqrt(200.0 * (reach + 1))));
  std::vector<double> ratio(start + 2, 0.0);
  for (int k = start; k >= 1; --k) ratio[k] = 1.0 / (2.0 * k / beta + ratio[k + 1]);
  // Normalise with I_0 + 2Σ_{k≥1} I_k = e^β: products P_k = I_k/I_0.
  double product = 1.0, sum = 1.0;
  for (int k = 1; k <= start; ++k) {
    product *= ratio[k];
    if (k <= max_order) scaled[k] = product;
    sum += 2.0 * product;
  }
  const double scaled_i0 = 1.0 / sum;
  for (double& value : scaled) value *= scaled_i0;
  return scaled;
}

std::vector<double> exp_polynomial_coefficients(ExpBasis basis, int degree, double beta) {
  check_arguments("exp_polynomial_coefficients", degree, beta);
  if (degree > 64)
    throw Error("exp_polynomial_coefficients: degree " + std::to_string(degree) +
                " is beyond 64, where monomial coefficients are meaningless in double");
  std::vector<double> coefficients(degree + 1);
  if (basis == ExpBasis::kTaylor || beta < 1e-8) {
    double factorial = 1.0;
    for (int k = 0; k <= degree; ++k) {
      if (k > 0) factorial *= k;
      coefficients[k] = 1.0 / factorial;
    }
    return coefficients;
  }
  // Chebyshev coefficients of the interpolant: the series coefficients folded onto orders
  // 0..g by aliasing (exact, unlike a discrete cosine transform of sampled values).
  const int n = degree + 1;
  const std::vector<double> coef = scaled_chebyshev_series(beta, series_cutoff(degree, beta));
  std::vector<double> folded(n, 0.0);  // (g+1), scaled by e^{−β}
  for (int m = 0; m < static_cast<int>(coef.size()); ++m) {
    const Alias alias = chebyshev_alias(m, n);
    if (alias.order >= 0) folded[alias.order] += alias.sign * coef[m];
  }
  // T_k(t) in monomials of t (integer coefficients, exact in double for k ≤ 64 up to
  // rounding of the largest ones), then t = x/β.
  std::vector<std::vector<double>> chebyshev_monomials(n, std::vector<double>(n, 0.0));
  chebyshev_monomials[0][0] = 1.0;
  if (n > 1) chebyshev_monomials[1][1] = 1.0;
  for (int k = 2; k < n; ++k)
    for (int j = 0; j < n; ++j)
      chebyshev_monomials[k][j] = (j > 0 ? 2.0 * chebyshev_monomials[k - 1][j - 1] : 0.0) -
                                  chebyshev_monomials[k - 2][j];
  const double growth = std::exp(beta);
  for (int j = 0; j < n; ++j) {
    double sum = 0.0;
    for (int k = j; k < n; ++k) sum += folded[k] * chebyshev_monomials[k][j];
    coefficients[j] = growth * sum / std::pow(beta, j);
  }
  return coefficients;
}

double exp_relative_error(ExpBasis basis, int degree, double beta) {
  check_arguments("exp_relative_error", degree, beta);
  return basis == ExpBasis::kTaylor ? taylor_relative_error(degree, beta)
                                    : chebyshev_relative_error(degree, beta);
}

int least_exp_degree(ExpBasis basis, double beta, double target, int max_degree) {
  check_arguments("least_exp_degree", 0, beta);
  if (!(target > 0.0 && target < 1.0))
    throw Error("least_exp_degree: target relative error must be in (0, 1), got " +
                std::to_string(target));
  for (int degree = 0; degree <= max_degree; ++degree) {
    if (endpoint_relative_error(basis, degree, beta) > target) continue;
    if (exp_relative_error(basis, degree, beta) <= target) return degree;
  }
  return -1;
}

}  // namespace vs::theory
