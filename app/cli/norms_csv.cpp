#include "app/cli/norms_csv.h"

#include <cmath>
#include <cstdio>

#include "core/error.h"
#include "core/theory/threshold.h"

namespace vs::cli {
namespace {

std::string number(double x) {
  if (std::isnan(x)) return "";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", x);
  return buffer;
}

}  // namespace

const char kNormsCsvColumns[] = "tokens,max_abs_q,max_abs_k,beta,b_eff,threshold,ratio,zone,degree_for_eps,rank";

std::string norms_csv_fields(const observe::HeadStats& s, int head_dim, double eps) {
  std::string degree, rank;
  if (s.keys >= 2) {
    try {
      const theory::ThresholdReport r = theory::threshold_report(s.keys, head_dim, s.norms.beta, eps);
      if (r.chebyshev.degree >= 0) {
        degree = std::to_string(r.chebyshev.degree);
        rank = std::to_string(r.chebyshev.rank_saturating);
      }
    } catch (const Error&) {
      // Outside the tabulated range: the columns stay empty, as the header comment says.
    }
  }
  return std::to_string(s.keys) + ',' + number(s.norms.max_abs_q) + ',' + number(s.norms.max_abs_k) + ',' +
         number(s.norms.beta) + ',' + number(s.norms.b_eff) + ',' + number(s.norms.threshold) + ',' +
         number(s.norms.ratio) + ',' + theory::zone_name(s.norms.zone) + ',' + degree + ',' + rank;
}

}  // namespace vs::cli
