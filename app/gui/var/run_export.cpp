#include "app/gui/var/run_export.h"

#include <cstdio>
#include <ctime>
#include <fstream>

#include "app/gui/csv_text.h"
#include "core/theory/threshold.h"

namespace vs::gui {

namespace {


const char* kParameterColumns = "model,class,seed,cfg,top_k,top_p,more_smooth,variant";

std::string parameters(const std::string& model, const GenerationParams& p) {
  return csv_field(model) + "," + std::to_string(p.class_id) + "," + std::to_string(p.seed) + "," + csv_number(p.cfg) + "," +
         std::to_string(p.top_k) + "," + csv_number(p.top_p) + "," + (p.more_smooth ? "1" : "0") + "," + csv_field(p.variant);
}

}  // namespace

std::string timings_csv(const std::string& model, const GenerationParams& params, const std::vector<ScaleFrame>& frames) {
  std::string csv = std::string("scale,side,ms,") + kParameterColumns + "\n";
  const std::string tail = parameters(model, params);
  for (const ScaleFrame& f : frames)
    csv += std::to_string(f.scale + 1) + "," + std::to_string(f.side) + "," + csv_number(f.ms) + "," + tail + "\n";
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
        rank = csv_number(report.chebyshev.rank);
        speedup = csv_number(report.chebyshev.speedup);
      }
    } catch (const std::exception&) {
      // β beyond what the report covers: the cells stay empty.
    }
    csv += std::to_string(r.step + 1) + "," + std::to_string(s.site.block + 1) + "," + std::to_string(s.head + 1) + "," +
           std::to_string(s.queries) + "," + std::to_string(s.keys) + "," + csv_number(n.max_abs_q) + "," +
           csv_number(n.max_abs_k) + "," + csv_number(n.beta) + "," + csv_number(n.b_eff) + "," + csv_number(n.threshold) + "," +
           csv_number(n.ratio) + "," + csv_field(theory::zone_name(n.zone)) + "," + csv_number(epsilon) + "," + degree + "," +
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
