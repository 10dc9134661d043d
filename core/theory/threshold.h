// The threshold picture of theory §3 and the numbers behind the gauges (§2.8, §7): for L
// tokens, head dimension d, largest absolute logit β and target relative error ε, where a
// head sits against √(ln L), which polynomial degree and rank the Alman–Song method needs,
// what speed-up that buys and whether floating point can reach ε at all.
#pragma once
#include <cstdint>
#include <string>

#include "core/theory/exp_polynomial.h"

namespace vs::theory {

// Zones of the §3 picture along x = B_eff/√(ln L) with B_eff = √β.
enum class Zone {
  kProvablyFast,  // I:  B = o(√log L): L^{1+o(1)} by the polynomial method (AS23 upper bound)
  kGreyBand,      // II: B = Θ(√log L), small constant: L^{1+f(κ)}, no matching hardness proved
  kSethHard,      // III: B ≥ C_b·√log L: no L^{2−Ω(1)} algorithm under SETH (AS23 lower bound)
  kUndefined,     // fewer than 2 keys: ln L ≤ 0, no threshold (one key is exact in O(d))
};

// The soft boundaries VARScope draws. The theorems are asymptotic (o(·), Θ(·)) and name no
// constants: these two numbers are OUR choice for display, not theory. With them the
// worked rows of §2.8 at n = 4096 fall as B = 0.5, 1 (x = 0.17, 0.35): zone I, where the
// method is still practical; B = 2 (x = 0.69): zone II; B = 3 (x = 1.04, the threshold):
// zone III.
constexpr double kZoneFastBelow = 0.5;  // x < 0.5: zone I
constexpr double kZoneHardFrom = 1.0;   // x ≥ 1: zone III; in between: zone II

// √(ln L); 0 for L < 2 (and then the ratio is undefined).
double log_threshold(int64_t tokens);
// x = √β / √(ln L); NaN for L < 2.
double threshold_ratio(double beta, int64_t tokens);
// Zone of a ratio; NaN gives kUndefined.
Zone zone_for_ratio(double ratio);
// "I provably fast", "II grey band", "III SETH-hard", "undefined"
std::string zone_name(Zone zone);
// One line saying what the zone means and that its edges are soft.
std::string zone_explanation(Zone zone);

// Cost of the polynomial method with one basis at the least degree that reaches ε.
struct PolynomialCost {
  ExpBasis basis = ExpBasis::kTaylor;
  int degree = -1;                 // least degree; −1 if none ≤ kMaxReportDegree
  double relative_error = 0;       // the polynomial's relative error at that degree
  double rank = 0;                 // r = C(d+g, g) (double; exact below 2^53)
  int64_t rank_saturating = 0;     // the same, saturating at INT64_MAX
  double speedup = 0;              // ≈ L/r (flops 4L²d against 4L·r·(d+1), §2.4)
  double as23_rank_bound = 0;      // C(2(g+d), 2g), for comparison
};
constexpr int kMaxReportDegree = 1000;

// u·e^{2β}: the relative error monomial features can reach at best in a given precision
// (§2.8, floating point).
struct PrecisionWall {
  double unit_roundoff = 0;
  double relative_error = 0;
  bool exceeds_target = false;
};
constexpr double kUnitRoundoffFloat32 = 5.960464477539063e-08;  // 2^−24
constexpr double kUnitRoundoffFloat64 = 1.1102230246251565e-16; // 2^−53
PrecisionWall precision_wall(double unit_roundoff, double beta, double target_error);

struct ThresholdReport {
  int64_t tokens = 0;
  int64_t head_dim = 0;
  double beta = 0;          // largest absolute logit
  double target_error = 0;  // ε, relative error on exp
  double b_eff = 0;         // √β
  double threshold = 0;     // √(ln L)
  double ratio = 0;         // B_eff / √(ln L)
  double kappa = 0;         // β / ln L, the other x-axis of §3
  Zone zone = Zone::kUndefined;
  std::string zone_name, zone_explanation;
  PolynomialCost taylor, chebyshev;
  PrecisionWall float32, float64;
};

// Throws vs::Error for tokens < 2, head_dim < 1, β outside [0, kMaxExpBeta] or ε outside (0, 1).
ThresholdReport threshold_report(int64_t tokens, int64_t head_dim, double beta,
                                 double target_error);

}  // namespace vs::theory
