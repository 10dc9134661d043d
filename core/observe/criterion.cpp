#include "core/observe/criterion.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.h"

namespace vs::observe {

void CriterionObserver::on_attention(const AttentionCall& call, const attention::Result&) {
  for (const HeadStats& s : head_stats(call)) {
    Maxima& m = maxima_[Key(s.site.module, s.site.kind, s.site.scale, s.site.block, s.head)];
    m.keys = std::max(m.keys, s.keys);
    m.head_dim = call.q.dim(2);
    ++m.calls;
    m.max_abs_q = std::max(m.max_abs_q, s.norms.max_abs_q);
    m.max_abs_k = std::max(m.max_abs_k, s.norms.max_abs_k);
    m.beta = std::max(m.beta, s.norms.beta);
  }
}

std::vector<HeadCriterion> CriterionObserver::rows(double target_error) const {
  if (!(target_error > 0 && target_error < 1))
    throw Error("criterion: target error must be in (0, 1), got " + std::to_string(target_error));
  std::vector<HeadCriterion> rows;
  for (const auto& [key, m] : maxima_) {
    HeadCriterion r;
    std::tie(r.module, r.kind, r.scale, r.block, r.head) = key;
    r.keys = m.keys, r.head_dim = m.head_dim, r.calls = m.calls;
    r.max_abs_q = m.max_abs_q, r.max_abs_k = m.max_abs_k, r.beta = m.beta;
    r.b_eff = std::sqrt(m.beta);
    r.threshold = theory::log_threshold(m.keys);
    r.ratio = theory::threshold_ratio(m.beta, m.keys);
    r.zone = theory::zone_for_ratio(r.ratio);
    if (m.keys >= 2 && m.beta <= theory::kMaxExpBeta) {
      const theory::ThresholdReport report = theory::threshold_report(m.keys, m.head_dim, m.beta, target_error);
      r.taylor_degree = report.taylor.degree;
      r.chebyshev_degree = report.chebyshev.degree;
    }
    rows.push_back(r);
  }
  return rows;
}

std::vector<ZoneCounts> zone_histogram(const std::vector<HeadCriterion>& rows) {
  std::map<std::pair<Module, int>, std::array<int, 4>> counts;
  for (const HeadCriterion& r : rows) ++counts[{r.module, r.scale}][size_t(r.zone)];
  std::vector<ZoneCounts> histogram;
  for (const auto& [key, heads] : counts) histogram.push_back({key.first, key.second, heads});
  return histogram;
}

std::string criterion_verdict(const std::vector<HeadCriterion>& rows, double target_error) {
  std::array<int, 4> zones{};
  int largest_degree = 0, unreachable = 0;
  for (const HeadCriterion& r : rows) {
    ++zones[size_t(r.zone)];
    largest_degree = std::max(largest_degree, r.chebyshev_degree);
    unreachable += r.keys >= 2 && r.chebyshev_degree < 0;
  }
  char text[400];
  std::snprintf(text, sizeof text,
                "%d of %zu head-scales are in the provably fast zone (I, B_eff/√ln L < %g) at ε = %g; %d in the grey "
                "band (II), %d SETH-hard (III), %d undefined (one key); largest Chebyshev degree needed: %d",
                zones[size_t(theory::Zone::kProvablyFast)], rows.size(), theory::kZoneFastBelow, target_error,
                zones[size_t(theory::Zone::kGreyBand)], zones[size_t(theory::Zone::kSethHard)],
                zones[size_t(theory::Zone::kUndefined)], largest_degree);
  std::string verdict = text;
  if (unreachable) verdict += " (" + std::to_string(unreachable) + " need more than " +
                              std::to_string(theory::kMaxReportDegree) + ")";
  return verdict;
}

}  // namespace vs::observe
