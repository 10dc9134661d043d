#include "core/theory/threshold.h"

#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/theory/rank.h"

namespace vs::theory {

double log_threshold(int64_t tokens) {
  return tokens < 2 ? 0.0 : std::sqrt(std::log(static_cast<double>(tokens)));
}

double threshold_ratio(double beta, int64_t tokens) {
  if (tokens < 2) return std::numeric_limits<double>::quiet_NaN();
  return std::sqrt(std::max(0.0, beta)) / log_threshold(tokens);
}

Zone zone_for_ratio(double ratio) {
  if (std::isnan(ratio)) return Zone::kUndefined;
  if (ratio < kZoneFastBelow) return Zone::kProvablyFast;
  if (ratio < kZoneHardFrom) return Zone::kGreyBand;
  return Zone::kSethHard;
}

std::string zone_name(Zone zone) {
  switch (zone) {
    case Zone::kProvablyFast:
      return "I provably fast";
    case Zone::kGreyBand:
      return "II grey band";
    case Zone::kSethHard:
      return "III SETH-hard";
    case Zone::kUndefined:
      return "undefined";
  }
  return "?";
}

std::string zone_explanation(Zone zone) {
  switch (zone) {
    case Zone::kProvablyFast:
      return "B = o(sqrt(ln L)): the polynomial method runs in L^(1+o(1)) (AS23 upper bound); "
             "the o(1) is log r / log L at finite L, so check the rank";
    case Zone::kGreyBand:
      return "B = Theta(sqrt(ln L)) with a small constant: the upper bound degrades to "
             "L^(1+f(kappa)) and no matching hardness is proved (our inference, theory §2.6)";
    case Zone::kSethHard:
      return "B at or past sqrt(ln L): under SETH no L^(2-Omega(1)) algorithm for 1/poly(L) "
             "error (AS23 lower bound; its constant is unspecified, so this edge is soft)";
    case Zone::kUndefined:
      return "fewer than 2 keys: ln L <= 0 gives no threshold (one key is exact in O(d))";
  }
  return "?";
}

PrecisionWall precision_wall(double unit_roundoff, double beta, double target_error) {
  PrecisionWall wall;
  wall.unit_roundoff = unit_roundoff;
  wall.relative_error = unit_roundoff * std::exp(2.0 * beta);
  wall.exceeds_target = wall.relative_error > target_error;
  return wall;
}

namespace {
PolynomialCost polynomial_cost(ExpBasis basis, int64_t tokens, int64_t head_dim, double beta,
                               double target_error) {
  PolynomialCost cost;
  cost.basis = basis;
  cost.degree = least_exp_degree(basis, beta, target_error, kMaxReportDegree);
  if (cost.degree < 0) {
    cost.rank = cost.as23_rank_bound = std::numeric_limits<double>::infinity();
    cost.rank_saturating = std::numeric_limits<int64_t>::max();
    return cost;
  }
  cost.relative_error = exp_relative_error(basis, cost.degree, beta);
  cost.rank = monomial_rank(head_dim, cost.degree);
  cost.rank_saturating = monomial_rank_saturating(head_dim, cost.degree);
  cost.speedup = static_cast<double>(tokens) / cost.rank;
  cost.as23_rank_bound = as23_rank_bound(head_dim, cost.degree);
  return cost;
}
}  // namespace

ThresholdReport threshold_report(int64_t tokens, int64_t head_dim, double beta,
                                 double target_error) {
  if (tokens < 2)
    throw Error("threshold: --tokens must be at least 2 (sqrt(ln L) needs L ≥ 2), got " +
                std::to_string(tokens));
  if (head_dim < 1)
    throw Error("threshold: --head-dim must be at least 1, got " + std::to_string(head_dim));
  if (!(beta >= 0.0 && beta <= kMaxExpBeta))
    throw Error("threshold: --beta must be in [0, " + std::to_string(int(kMaxExpBeta)) +
                "], got " + std::to_string(beta));
  if (!(target_error > 0.0 && target_error < 1.0))
    throw Error("threshold: --eps must be in (0, 1), got " + std::to_string(target_error));
  ThresholdReport report;
  report.tokens = tokens;
  report.head_dim = head_dim;
  report.beta = beta;
  report.target_error = target_error;
  report.b_eff = std::sqrt(beta);
  report.threshold = log_threshold(tokens);
  report.ratio = threshold_ratio(beta, tokens);
  report.kappa = beta / std::log(static_cast<double>(tokens));
  report.zone = zone_for_ratio(report.ratio);
  report.zone_name = zone_name(report.zone);
  report.zone_explanation = zone_explanation(report.zone);
  report.taylor = polynomial_cost(ExpBasis::kTaylor, tokens, head_dim, beta, target_error);
  report.chebyshev = polynomial_cost(ExpBasis::kChebyshev, tokens, head_dim, beta, target_error);
  report.float32 = precision_wall(kUnitRoundoffFloat32, beta, target_error);
  report.float64 = precision_wall(kUnitRoundoffFloat64, beta, target_error);
  return report;
}

}  // namespace vs::theory
