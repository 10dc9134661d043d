// CSV and JSON of the runtime-scaling points, with the run's parameters (pyramid family,
// timing protocol, GEMM rate) and the fits (core/attention/scaling_fits.h) attached so an
// exported file says how it was measured. No ImGui: unit-tested by tests/gui.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "core/attention/scaling_benchmark.h"
#include "core/attention/scaling_fits.h"

namespace vs::gui {

using ScalingFits = std::map<std::string, vs::attention::VariantScaling>;

// CSV: '#' comment lines with the parameters and the slopes (all sides and asymptotic
// half, each with its 95 % interval and the model's), then a header
// "variant,side,tokens,min_ms,median_ms,spread,repeats,samples,threads,model_ms,rel_error"
// and one row per point (NaN written as "nan").
std::string scaling_points_csv(const vs::attention::ScalingConfig& config,
                               const std::vector<vs::attention::ScalingPoint>& points, const ScalingFits& fits);
// JSON: {"parameters": {...}, "fits": {...}, "points": [...]}; NaN written as null.
std::string scaling_points_json(const vs::attention::ScalingConfig& config,
                                const std::vector<vs::attention::ScalingPoint>& points, const ScalingFits& fits);

// The GEMM rate the points' model times were scaled by (NaN without points).
double scaling_gemm_gflops(const std::vector<vs::attention::ScalingPoint>& points);

// Writes text to path; throws vs::Error naming the path when it cannot.
void write_text_file(const std::string& path, const std::string& text);

}  // namespace vs::gui
