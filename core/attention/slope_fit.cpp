#include "core/attention/slope_fit.h"

#include <algorithm>
#include <cmath>

namespace vs::attention {

double student_t95(int dof) {
  static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                 2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                 2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (dof < 1) return NAN;
  if (dof <= 30) return table[dof - 1];
  return 1.96 + 2.4 / dof;  // within 0.01 of the exact quantile above 30
}

SlopeFit fit_loglog(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<double> lx, ly;
  for (size_t i = 0; i < x.size() && i < y.size(); ++i)
    if (x[i] > 0 && y[i] > 0 && std::isfinite(x[i]) && std::isfinite(y[i]))
      lx.push_back(std::log(x[i])), ly.push_back(std::log(y[i]));
  SlopeFit fit;
  fit.points = int(lx.size());
  fit.slope = fit.ci95 = NAN;
  const double n = double(lx.size());
  if (lx.size() < 2) return fit;
  double mx = 0, my = 0;
  for (size_t i = 0; i < lx.size(); ++i) mx += lx[i] / n, my += ly[i] / n;
  double sxx = 0, sxy = 0;
  for (size_t i = 0; i < lx.size(); ++i) sxx += (lx[i] - mx) * (lx[i] - mx), sxy += (lx[i] - mx) * (ly[i] - my);
  if (!(sxx > 0)) return fit;
  fit.slope = sxy / sxx;
  if (lx.size() >= 3) {
    double residuals = 0;
    for (size_t i = 0; i < lx.size(); ++i) {
      const double r = ly[i] - my - fit.slope * (lx[i] - mx);
      residuals += r * r;
    }
    const int dof = fit.points - 2;
    fit.ci95 = student_t95(dof) * std::sqrt(residuals / dof / sxx);
  }
  return fit;
}

std::vector<double> local_loglog_slopes(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<double> slopes;
  for (size_t i = 0; i + 1 < x.size() && i + 1 < y.size(); ++i) {
    const bool ok = x[i] > 0 && x[i + 1] > 0 && y[i] > 0 && y[i + 1] > 0 && x[i] != x[i + 1];
    slopes.push_back(ok ? std::log(y[i + 1] / y[i]) / std::log(x[i + 1] / x[i]) : NAN);
  }
  return slopes;
}

int upper_half_begin(int points) {
  // At least three points where there are three, so that the fit has a confidence interval.
  return std::max(0, points - std::max(3, (points + 1) / 2));
}

SlopeFit fit_loglog_upper_half(const std::vector<double>& x, const std::vector<double>& y) {
  const int n = int(std::min(x.size(), y.size()));
  const int begin = upper_half_begin(n);
  return fit_loglog(std::vector<double>(x.begin() + begin, x.begin() + n),
                    std::vector<double>(y.begin() + begin, y.begin() + n));
}

}  // namespace vs::attention
