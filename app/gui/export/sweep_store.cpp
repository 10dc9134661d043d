#include "app/gui/export/sweep_store.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

#include "app/gui/shell/settings.h"
#include "core/error.h"
#include "core/io/json.h"
#include "core/io/output_file.h"

namespace vs::gui {

namespace {

using vs::io::json::quote;
using vs::io::json::Value;

// %.17g keeps every double exactly; NaN and infinities (not JSON) become null.
std::string number(double v) {
  if (!std::isfinite(v)) return "null";
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

const Value& member(const Value& object, const std::string& key) {
  const Value* v = object.find(key);
  if (!v) throw Error("stored sweep: no \"" + key + "\"");
  return *v;
}

double as_number(const Value& object, const std::string& key) {
  const Value& v = member(object, key);
  if (v.kind == Value::Kind::Null) return NAN;
  if (!v.is_number()) throw Error("stored sweep: \"" + key + "\" is not a number");
  return std::strtod(v.text.c_str(), nullptr);
}

int64_t as_integer(const Value& object, const std::string& key) {
  int64_t out = 0;
  if (!member(object, key).to_int64(&out)) throw Error("stored sweep: \"" + key + "\" is not an integer");
  return out;
}

std::string as_string(const Value& object, const std::string& key) {
  const Value& v = member(object, key);
  if (!v.is_string()) throw Error("stored sweep: \"" + key + "\" is not a string");
  return v.text;
}

bool as_bool(const Value& object, const std::string& key) {
  const Value& v = member(object, key);
  if (v.kind != Value::Kind::Bool) throw Error("stored sweep: \"" + key + "\" is not true or false");
  return v.boolean;
}

const std::vector<Value>& as_array(const Value& object, const std::string& key) {
  const Value& v = member(object, key);
  if (!v.is_array()) throw Error("stored sweep: \"" + key + "\" is not an array");
  return v.array;
}

Value parse_object(const std::string& text, const char* kind) {
  Value root = vs::io::json::parse(text);
  if (!root.is_object()) throw Error("stored sweep: not a JSON object");
  if (as_string(root, "sweep") != kind) throw Error(std::string("stored sweep: not a ") + kind + " sweep");
  return root;
}

bool read_file(const std::string& path, std::string* text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *text = buffer.str();
  return true;
}

}  // namespace

std::string scaling_sweep_json(const StoredScalingSweep& s) {
  const vs::attention::ScalingConfig& c = s.config;
  std::string out = "{\"sweep\": \"scaling\", \"complete\": " + std::string(s.complete ? "true" : "false") +
                    ", \"measured_at\": " + quote(s.measured_at) + ",\n \"config\": {\"sides\": [";
  for (size_t i = 0; i < c.sides.size(); ++i) out += (i ? ", " : "") + std::to_string(c.sides[i]);
  out += "], \"pyramid\": " + quote(vs::attention::pyramid_family_spec(c.pyramid)) +
         ", \"head_dim\": " + std::to_string(c.head_dim) + ", \"heads\": " + std::to_string(c.heads) +
         ", \"bound\": " + number(c.bound) + ", \"samples\": " + std::to_string(c.timing.samples) +
         ", \"min_sample_ms\": " + number(c.timing.min_sample_ms) + ", \"max_repeats\": " +
         std::to_string(c.timing.max_repeats) + ", \"clock\": " + quote(timing_clock_name(c.timing.clock)) +
         ", \"quadratic_max_side\": " + std::to_string(c.quadratic_max_side) +
         ", \"gemm_gflops\": " + number(c.gemm_gflops) + ", \"seed\": " + std::to_string(c.seed) + ", \"variants\": [";
  for (size_t i = 0; i < c.variants.size(); ++i) out += (i ? ", " : "") + quote(c.variants[i]);
  out += "]},\n \"points\": [";
  for (size_t i = 0; i < s.points.size(); ++i) {
    const vs::attention::ScalingPoint& p = s.points[i];
    const Timing& t = p.timing;
    out += std::string(i ? "," : "") + "\n  {\"variant\": " + quote(p.variant) + ", \"side\": " +
           std::to_string(p.side) + ", \"tokens\": " + std::to_string(p.tokens) + ", \"clock\": " +
           quote(timing_clock_name(t.clock)) + ", \"min_ms\": " + number(t.min_ms) + ", \"median_ms\": " +
           number(t.median_ms) + ", \"spread\": " + number(t.spread) + ", \"wall_min_ms\": " + number(t.wall_min_ms) +
           ", \"cpu_min_ms\": " + number(t.cpu_min_ms) + ", \"repeats\": " + std::to_string(t.repeats) +
           ", \"samples\": " + std::to_string(t.samples) + ", \"threads\": " + std::to_string(t.threads) +
           ", \"model_flops\": " + number(p.model_flops) + ", \"model_ms\": " + number(p.model_ms) +
           ", \"rel_error\": " + number(p.rel_error) + ", \"warnings\": [";
    for (size_t w = 0; w < p.warnings.size(); ++w) out += (w ? ", " : "") + quote(p.warnings[w]);
    out += "]}";
  }
  return out + "\n ]}\n";
}

StoredScalingSweep parse_scaling_sweep(const std::string& text) {
  const Value root = parse_object(text, "scaling");
  StoredScalingSweep s;
  s.complete = as_bool(root, "complete");
  s.measured_at = as_string(root, "measured_at");
  const Value& c = member(root, "config");
  s.config.sides.clear();  // not the defaults: the stored ones
  for (const Value& side : as_array(c, "sides")) {
    int64_t n = 0;
    if (!side.to_int64(&n)) throw Error("stored sweep: a side is not an integer");
    s.config.sides.push_back(int(n));
  }
  s.config.pyramid = vs::attention::parse_pyramid_family(as_string(c, "pyramid"));
  s.config.head_dim = int(as_integer(c, "head_dim"));
  s.config.heads = int(as_integer(c, "heads"));
  s.config.bound = as_number(c, "bound");
  s.config.timing.samples = int(as_integer(c, "samples"));
  s.config.timing.min_sample_ms = as_number(c, "min_sample_ms");
  s.config.timing.max_repeats = int(as_integer(c, "max_repeats"));
  s.config.timing.clock = parse_timing_clock(as_string(c, "clock"));
  s.config.quadratic_max_side = int(as_integer(c, "quadratic_max_side"));
  s.config.gemm_gflops = as_number(c, "gemm_gflops");
  s.config.seed = uint64_t(as_integer(c, "seed"));
  s.config.variants.clear();
  for (const Value& v : as_array(c, "variants")) {
    if (!v.is_string()) throw Error("stored sweep: a variant is not a string");
    s.config.variants.push_back(v.text);
  }
  for (const Value& p : as_array(root, "points")) {
    vs::attention::ScalingPoint point;
    point.variant = as_string(p, "variant");
    point.side = int(as_integer(p, "side"));
    point.tokens = as_integer(p, "tokens");
    point.timing.clock = parse_timing_clock(as_string(p, "clock"));
    point.timing.min_ms = as_number(p, "min_ms");
    point.timing.median_ms = as_number(p, "median_ms");
    point.timing.spread = as_number(p, "spread");
    point.timing.wall_min_ms = as_number(p, "wall_min_ms");
    point.timing.cpu_min_ms = as_number(p, "cpu_min_ms");
    point.timing.repeats = int(as_integer(p, "repeats"));
    point.timing.samples = int(as_integer(p, "samples"));
    point.timing.threads = int(as_integer(p, "threads"));
    point.model_flops = as_number(p, "model_flops");
    point.model_ms = as_number(p, "model_ms");
    point.rel_error = as_number(p, "rel_error");
    for (const Value& w : as_array(p, "warnings"))
      if (w.is_string()) point.warnings.push_back(w.text);
    s.points.push_back(std::move(point));
  }
  return s;
}

std::string phase_sweep_json(const StoredPhaseSweep& s) {
  std::string out = "{\"sweep\": \"phase\", \"complete\": " + std::string(s.complete ? "true" : "false") +
                    ", \"measured_at\": " + quote(s.measured_at) + ", \"run_label\": " + quote(s.run_label) +
                    ", \"tokens\": " + std::to_string(s.tokens) + ",\n \"points\": [";
  for (size_t i = 0; i < s.points.size(); ++i) {
    const PhasePoint& p = s.points[i];
    out += std::string(i ? "," : "") + "\n  {\"bound\": " + number(p.bound) + ", \"beta\": " + number(p.beta) +
           ", \"ratio\": " + number(p.ratio) + ", \"measured_error\": " + number(p.measured_error) +
           ", \"exp_error\": " + number(p.exp_error) + "}";
  }
  return out + "\n ]}\n";
}

StoredPhaseSweep parse_phase_sweep(const std::string& text) {
  const Value root = parse_object(text, "phase");
  StoredPhaseSweep s;
  s.complete = as_bool(root, "complete");
  s.measured_at = as_string(root, "measured_at");
  s.run_label = as_string(root, "run_label");
  s.tokens = as_integer(root, "tokens");
  for (const Value& p : as_array(root, "points"))
    s.points.push_back({as_number(p, "bound"), as_number(p, "beta"), as_number(p, "ratio"),
                        as_number(p, "measured_error"), as_number(p, "exp_error")});
  return s;
}

std::string store_sweep(const std::string& path, const std::string& json) {
  const size_t slash = path.rfind('/');
  if (slash != std::string::npos && !make_directories(path.substr(0, slash)))
    return "cannot create " + path.substr(0, slash);
  try {
    io::write_file_atomically(path, json);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

namespace {

// Reads `path` and parses it; false without an error when there is no file, false with a
// one-line error naming the file when it cannot be used.
template <class Sweep, class Parse>
bool load_sweep(const std::string& path, Sweep* sweep, std::string* error, Parse parse) {
  error->clear();
  std::string text;
  if (!read_file(path, &text)) return false;
  try {
    *sweep = parse(text);
    return true;
  } catch (const std::exception& e) {
    *error = path + ": " + e.what();
    return false;
  }
}

}  // namespace

bool load_scaling_sweep(const std::string& path, StoredScalingSweep* sweep, std::string* error) {
  return load_sweep(path, sweep, error, parse_scaling_sweep);
}

bool load_phase_sweep(const std::string& path, StoredPhaseSweep* sweep, std::string* error) {
  return load_sweep(path, sweep, error, parse_phase_sweep);
}

std::string sweep_timestamp() {
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M", std::localtime(&now));
  return stamp;
}

}  // namespace vs::gui
