#include "app/gui/export/scaling_export.h"

#include <cmath>
#include <cstdio>

#include "core/attention/cost_model.h"
#include "core/error.h"
#include "core/io/json.h"
#include "core/io/output_file.h"

namespace vs::gui {

namespace {

using vs::attention::SlopeFit;

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

std::string join_numbers(const std::vector<double>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + number(values[i], true);
  return out;
}

std::string fit_json(const SlopeFit& fit) {
  return "{\"slope\": " + number(fit.slope, true) + ", \"ci95\": " + number(fit.ci95, true) +
         ", \"points\": " + std::to_string(fit.points) + "}";
}

std::string fit_text(const SlopeFit& fit) {
  return number(fit.slope, false) + " ± " + number(fit.ci95, false);
}

int threads_of(const std::vector<vs::attention::ScalingPoint>& points) {
  return points.empty() ? 0 : points.front().timing.threads;
}

}  // namespace

double scaling_gemm_gflops(const std::vector<vs::attention::ScalingPoint>& points) {
  for (const auto& p : points)
    if (p.model_ms > 0) return p.model_flops / (p.model_ms * 1e6);
  return NAN;
}

std::string scaling_points_csv(const vs::attention::ScalingConfig& config,
                               const std::vector<vs::attention::ScalingPoint>& points, const ScalingFits& fits) {
  std::string out = "# varscope runtime scaling: block-causal attention over one pyramid family, final side n\n";
  out += "# sides=" + join_ints(config.sides, ",") + " pyramid=" + vs::attention::pyramid_family_spec(config.pyramid) +
         " head_dim=" + std::to_string(config.head_dim) + " heads=" + std::to_string(config.heads) +
         " bound=" + number(config.bound, false) + " seed=" + std::to_string(config.seed) + "\n";
  out += "# timing: " + describe_timing_protocol(config.timing, threads_of(points)) +
         "; gemm_gflops=" + number(scaling_gemm_gflops(points), false) + "\n";
  for (const auto& [variant, f] : fits)
    out += "# slope " + variant + ": all sides " + fit_text(f.all) + " (model " + number(f.model_all.slope, false) +
           "), n >= " + std::to_string(f.upper_begin_side) + " " + fit_text(f.upper) + " (model " +
           number(f.model_upper.slope, false) + ")\n";
  out += "variant,side,tokens,min_ms,median_ms,spread,repeats,samples,threads,model_ms,rel_error\n";
  for (const auto& p : points) {
    // Variant specs contain ':' and '=' but never ',' or '"', so they need no quoting.
    out += p.variant + "," + std::to_string(p.side) + "," + std::to_string(p.tokens) + "," +
           number(p.timing.min_ms, false) + "," + number(p.timing.median_ms, false) + "," +
           number(p.timing.spread, false) + "," + std::to_string(p.timing.repeats) + "," +
           std::to_string(p.timing.samples) + "," + std::to_string(p.timing.threads) + "," +
           number(p.model_ms, false) + "," + number(p.rel_error, false) + "\n";
  }
  return out;
}

std::string scaling_points_json(const vs::attention::ScalingConfig& config,
                                const std::vector<vs::attention::ScalingPoint>& points, const ScalingFits& fits) {
  using vs::io::json::quote;
  std::string out = "{\n  \"parameters\": {\"sides\": [" + join_ints(config.sides, ", ") +
                    "], \"pyramid\": " + quote(vs::attention::pyramid_family_spec(config.pyramid)) +
                    ", \"head_dim\": " + std::to_string(config.head_dim) +
                    ", \"heads\": " + std::to_string(config.heads) + ", \"bound\": " + number(config.bound, true) +
                    ", \"samples\": " + std::to_string(config.timing.samples) +
                    ", \"min_sample_ms\": " + number(config.timing.min_sample_ms, true) +
                    ", \"clock\": " + quote(timing_clock_name(config.timing.clock)) +
                    ", \"threads\": " + std::to_string(threads_of(points)) +
                    ", \"gemm_gflops\": " + number(scaling_gemm_gflops(points), true) +
                    ", \"seed\": " + std::to_string(config.seed) + ", \"variants\": [";
  for (size_t i = 0; i < config.variants.size(); ++i) out += (i ? ", " : "") + quote(config.variants[i]);
  out += "]},\n  \"fits\": {";
  bool first = true;
  for (const auto& [variant, f] : fits) {
    out += std::string(first ? "" : ",") + "\n    " + quote(variant) + ": {\"model\": " +
           quote(vs::attention::variant_model_formula(variant)) + ", \"all\": " + fit_json(f.all) +
           ", \"model_all\": " + fit_json(f.model_all) + ", \"upper_half\": " + fit_json(f.upper) +
           ", \"model_upper_half\": " + fit_json(f.model_upper) +
           ", \"upper_half_from_side\": " + std::to_string(f.upper_begin_side) + ", \"local_slopes\": [" +
           join_numbers(f.local_slopes) + "], \"model_local_slopes\": [" + join_numbers(f.model_local_slopes) + "]}";
    first = false;
  }
  out += "\n  },\n  \"points\": [";
  for (size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    out += std::string(i ? "," : "") + "\n    {\"variant\": " + quote(p.variant) + ", \"side\": " +
           std::to_string(p.side) + ", \"tokens\": " + std::to_string(p.tokens) + ", \"min_ms\": " +
           number(p.timing.min_ms, true) + ", \"median_ms\": " + number(p.timing.median_ms, true) +
           ", \"spread\": " + number(p.timing.spread, true) + ", \"repeats\": " + std::to_string(p.timing.repeats) +
           ", \"samples\": " + std::to_string(p.timing.samples) + ", \"model_ms\": " + number(p.model_ms, true) +
           ", \"rel_error\": " + number(p.rel_error, true) + "}";
  }
  out += "\n  ]\n}\n";
  return out;
}

void write_text_file(const std::string& path, const std::string& text) { io::write_file_atomically(path, text); }

}  // namespace vs::gui
