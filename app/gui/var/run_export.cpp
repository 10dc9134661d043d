#include "app/gui/var/run_export.h"

#include <cstdio>
#include <ctime>
#include <fstream>

#include "core/theory/threshold.h"

namespace vs::gui {

namespace {

// A CSV field: quoted when it holds a comma, quote or newline (RFC 4180).
std::string field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", value);
  return buffer;
}

const char* kParameterColumns = "model,class,seed,cfg,top_k,top_p,more_smooth,variant";

std::string parameters(const std::string& model, const GenerationParams& p) {
  return field(model) + "," + std::to_string(p.class_id) + "," + std::to_string(p.seed) + "," + number(p.cfg) + "," +
         std::to_string(p.top_k) + "," + number(p.top_p) + "," + (p.more_smooth ? "1" : "0") + "," + field(p.variant);
}

}  // namespace

std::string timings_csv(const std::string& model, const GenerationParams& params, const std::vector<ScaleFrame>& frames) {
  std::string csv = std::string("scale,side,ms,") + kParameterColumns + "\n";
  const std::string tail = parameters(model, params);
  for (const ScaleFrame& f : frames)
    csv += std::to_string(f.scale + 1) + "," + std::to_string(f.side) + "," + number(f.ms) + "," + tail + "\n";
  return csv;
}

std::string norms_csv(const std::string& model, const GenerationParams& params, const InspectResult& r, double epsilon) {
  std::string csv = std::string(
                        "step,layer,head,queries,keys,max_abs_q,max_abs_k,beta,b_eff,threshold,ratio,zone,epsilon,"
                        "degree,rank,speedup,") +
                    kParameterColumns + "\n";
  const std::string tail = parameters(model, params);
  for (const observe::HeadStats& s : r.stats) {
    const attention::HeadNorms& n = s.norms;
    std::string degree, rank, speedup;
    try {
      const theory::ThresholdReport report = theory::threshold_report(s.keys, r.head_dim, n.beta, epsilon);
      if (report.chebyshev.degree >= 0) {
        degree = std::to_string(report.chebyshev.degree);
        rank = number(report.chebyshev.rank);
        speedup = number(report.chebyshev.speedup);
      }
    } catch (const std::exception&) {
      // β beyond what the report covers: the cells stay empty.
    }
    csv += std::to_string(r.step + 1) + "," + std::to_string(s.site.layer + 1) + "," + std::to_string(s.head + 1) + "," +
           std::to_string(s.queries) + "," + std::to_string(s.keys) + "," + number(n.max_abs_q) + "," +
           number(n.max_abs_k) + "," + number(n.beta) + "," + number(n.b_eff) + "," + number(n.threshold) + "," +
           number(n.ratio) + "," + field(theory::zone_name(n.zone)) + "," + number(epsilon) + "," + degree + "," +
           rank + "," + speedup + "," + tail + "\n";
  }
  return csv;
}

bool save_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return bool(out);
}

std::string export_file_name(const std::string& what, const std::string& extension) {
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
  return "varscope-" + what + "-" + stamp + "." + extension;
}

}  // namespace vs::gui
