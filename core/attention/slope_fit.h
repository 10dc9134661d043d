// Log–log slopes of a runtime curve: the exponent p in time ∝ n^p, as local slopes
// between neighbouring sides and as a least-squares fit with a 95 % confidence interval.
// A single fit over all sides mixes the fixed-cost regime of small n with the asymptotic
// one; the fit over the upper half of the sides is the one compared with the theory.
#pragma once
#include <vector>

namespace vs::attention {

struct SlopeFit {
  double slope = 0;
  // Half-width of the 95 % confidence interval of the slope (Student t with points − 2
  // degrees of freedom); NaN with fewer than three points.
  double ci95 = 0;
  int points = 0;
};

// Least-squares slope of log y against log x over the points with x > 0 and y > 0
// (slope NaN with fewer than two such points).
SlopeFit fit_loglog(const std::vector<double>& x, const std::vector<double>& y);
// log(y[i+1]/y[i]) / log(x[i+1]/x[i]) for each neighbouring pair (NaN where undefined).
std::vector<double> local_loglog_slopes(const std::vector<double>& x, const std::vector<double>& y);
// The fit over the asymptotic half: the last max(3, ceil(n/2)) of n points (all when
// n <= 3), x ascending.
SlopeFit fit_loglog_upper_half(const std::vector<double>& x, const std::vector<double>& y);
// Index of the first point fit_loglog_upper_half uses, for n points.
int upper_half_begin(int points);
// Two-sided 95 % quantile of Student's t with `dof` degrees of freedom (NaN for dof < 1).
double student_t95(int dof);

}  // namespace vs::attention
