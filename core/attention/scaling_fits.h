// The slopes of a runtime-scaling sweep, per variant, for the table, the JSON and the
// explorer's plot alike: measured (the timing's minimum) and modelled (cost_model.h) time
// against the final side n, local slopes between neighbouring sides, the fit over all
// sides and the fit over the asymptotic half with its 95 % confidence interval.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "core/attention/scaling_benchmark.h"
#include "core/attention/slope_fit.h"

namespace vs::attention {

struct VariantScaling {
  std::vector<int> sides;                    // ascending, the variant's measured sides
  std::vector<double> measured_ms, model_ms;  // per side
  std::vector<double> local_slopes, model_local_slopes;  // between sides i and i+1
  SlopeFit all, model_all;      // over every side
  SlopeFit upper, model_upper;  // over the asymptotic half (slope_fit.h)
  int upper_begin_side = 0;     // first side of the asymptotic half
};

// Per variant in the points (any order, possibly a partial sweep).
std::map<std::string, VariantScaling> fit_scaling(const std::vector<ScalingPoint>& points);

}  // namespace vs::attention
