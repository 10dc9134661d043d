// CSV and JSON of the runtime-scaling points, with the run's parameters attached so an
// exported file says how it was measured. No ImGui: unit-tested by tests/gui.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "core/attention/scaling_benchmark.h"

namespace vs::gui {

// CSV: '#' comment lines with the parameters and the slopes, then a header
// "variant,side,tokens,median_ms,rel_error" and one row per point (NaN written as "nan").
std::string scaling_points_csv(const vs::attention::ScalingConfig& config,
                               const std::vector<vs::attention::ScalingPoint>& points,
                               const std::map<std::string, double>& slopes);
// JSON: {"parameters": {...}, "slopes": {...}, "points": [...]}; NaN written as null.
std::string scaling_points_json(const vs::attention::ScalingConfig& config,
                                const std::vector<vs::attention::ScalingPoint>& points,
                                const std::map<std::string, double>& slopes);

// Least-squares log-log slope per variant over the given points (core's loglog_slope).
std::map<std::string, double> scaling_slopes(const std::vector<vs::attention::ScalingPoint>& points);

// Writes text to path; throws vs::Error naming the path when it cannot.
void write_text_file(const std::string& path, const std::string& text);

}  // namespace vs::gui
