// varscope-cli threshold: the theory numbers for one (L, d, β, ε), theory §2.8 / §3.
#include <cstdio>

#include "app/cli/commands.h"
#include "core/error.h"
#include "core/theory/threshold.h"

namespace vs::cli {

namespace {

void print_cost(const char* label, const theory::PolynomialCost& cost) {
  if (cost.degree < 0) {
    std::printf("  %-10s no degree <= %d reaches the target\n", label, theory::kMaxReportDegree);
    return;
  }
  std::printf("  %-10s degree %-4d rel. error %.3e  rank r = C(d+g, g) = %-12.6g speed-up L/r ~ %-10.3g AS23 bound %.3g\n",
              label, cost.degree, cost.relative_error, cost.rank, cost.speedup, cost.as23_rank_bound);
}

}  // namespace

void print_threshold_report(const theory::ThresholdReport& r) {
  std::printf("tokens L = %lld, head dim d = %lld, beta = max|logit| = %g, target eps = %g\n",
              static_cast<long long>(r.tokens), static_cast<long long>(r.head_dim), r.beta, r.target_error);
  std::printf("  B_eff = sqrt(beta) = %.4f   threshold sqrt(ln L) = %.4f   ratio = %.4f   kappa = beta/ln L = %.4f\n",
              r.b_eff, r.threshold, r.ratio, r.kappa);
  std::printf("  zone %s: %s\n", r.zone_name.c_str(), r.zone_explanation.c_str());
  std::printf("least polynomial degree for relative error eps on [-beta, beta]:\n");
  print_cost("taylor", r.taylor);
  print_cost("chebyshev", r.chebyshev);
  std::printf("precision wall u*e^(2 beta): float32 %.3e%s, float64 %.3e%s\n", r.float32.relative_error,
              r.float32.exceeds_target ? " (exceeds eps)" : "", r.float64.relative_error,
              r.float64.exceeds_target ? " (exceeds eps)" : "");
}

int command_threshold(Args& args) {
  const long tokens = args.get_int("tokens", 0, 2, 1L << 40);
  const long head_dim = args.get_int("head-dim", 0, 1, 1 << 20);
  const double beta = args.get_double("beta", -1, 0, theory::kMaxExpBeta);
  const double eps = args.get_double("eps", 1e-3, 1e-300, 0.999999);
  args.finish();
  if (tokens == 0) throw Error("missing required flag --tokens");
  if (head_dim == 0) throw Error("missing required flag --head-dim");
  if (beta < 0) throw Error("missing required flag --beta");
  print_threshold_report(theory::threshold_report(tokens, head_dim, beta, eps));
  std::printf("(the zone edges are soft: the theorems are asymptotic and name no constants)\n");
  return 0;
}

}  // namespace vs::cli
