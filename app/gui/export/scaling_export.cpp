#include "app/gui/export/scaling_export.h"

#include <cmath>
#include <cstdio>

#include "core/error.h"
#include "core/io/json.h"
#include "core/io/output_file.h"

namespace vs::gui {

namespace {

std::string number(double v, bool json) {
  if (!std::isfinite(v)) return json ? "null" : "nan";
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.9g", v);
  return buffer;
}

std::string join_ints(const std::vector<int>& values, const char* sep) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) out += (i ? sep : "") + std::to_string(values[i]);
  return out;
}

}  // namespace

std::map<std::string, double> scaling_slopes(const std::vector<vs::attention::ScalingPoint>& points) {
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> by_variant;
  for (const auto& p : points) {
    by_variant[p.variant].first.push_back(p.side);
    by_variant[p.variant].second.push_back(p.median_ms);
  }
  std::map<std::string, double> slopes;
  for (const auto& [variant, xy] : by_variant)
    slopes[variant] = vs::attention::loglog_slope(xy.first, xy.second);
  return slopes;
}

std::string scaling_points_csv(const vs::attention::ScalingConfig& config,
                               const std::vector<vs::attention::ScalingPoint>& points,
                               const std::map<std::string, double>& slopes) {
  std::string out = "# varscope runtime scaling: block-causal attention over the VAR pyramid of final side n\n";
  out += "# sides=" + join_ints(config.sides, ",") + " head_dim=" + std::to_string(config.head_dim) +
         " heads=" + std::to_string(config.heads) + " bound=" + number(config.bound, false) +
         " repeats=" + std::to_string(config.repeats) + " seed=" + std::to_string(config.seed) + "\n";
  for (const auto& [variant, slope] : slopes)
    out += "# slope " + variant + " = " + number(slope, false) + "\n";
  out += "variant,side,tokens,median_ms,rel_error\n";
  for (const auto& p : points) {
    // Variant specs contain ':' and '=' but never ',' or '"', so they need no quoting.
    out += p.variant + "," + std::to_string(p.side) + "," + std::to_string(p.tokens) + "," +
           number(p.median_ms, false) + "," + number(p.rel_error, false) + "\n";
  }
  return out;
}

std::string scaling_points_json(const vs::attention::ScalingConfig& config,
                                const std::vector<vs::attention::ScalingPoint>& points,
                                const std::map<std::string, double>& slopes) {
  using vs::io::json::quote;
  std::string out = "{\n  \"parameters\": {\"sides\": [" + join_ints(config.sides, ", ") +
                    "], \"head_dim\": " + std::to_string(config.head_dim) +
                    ", \"heads\": " + std::to_string(config.heads) + ", \"bound\": " + number(config.bound, true) +
                    ", \"repeats\": " + std::to_string(config.repeats) + ", \"seed\": " + std::to_string(config.seed) +
                    ", \"variants\": [";
  for (size_t i = 0; i < config.variants.size(); ++i) out += (i ? ", " : "") + quote(config.variants[i]);
  out += "]},\n  \"slopes\": {";
  bool first = true;
  for (const auto& [variant, slope] : slopes) {
    out += (first ? "" : ", ") + quote(variant) + ": " + number(slope, true);
    first = false;
  }
  out += "},\n  \"points\": [";
  for (size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    out += std::string(i ? "," : "") + "\n    {\"variant\": " + quote(p.variant) + ", \"side\": " +
           std::to_string(p.side) + ", \"tokens\": " + std::to_string(p.tokens) + ", \"median_ms\": " +
           number(p.median_ms, true) + ", \"rel_error\": " + number(p.rel_error, true) + "}";
  }
  out += "\n  ]\n}\n";
  return out;
}

void write_text_file(const std::string& path, const std::string& text) { io::write_file_atomically(path, text); }

}  // namespace vs::gui
