#include "app/gui/export/run_report.h"

#include <algorithm>
#include <map>

#include "app/gui/export/run_export.h"
#include "core/io/json.h"

namespace vs::gui {

std::string run_report_json(const Session& session, const std::string& extra_fields) {
  using io::json::quote;
  const auto& frames = session.frames();
  const gen::ModelInfo* info = session.info();
  const std::string family = info ? gen::family_key(info->family) : "";
  std::string j = "{\n";
  j += "  \"family\": " + quote(family) + ",\n";
  j += "  \"model_open\": " + std::string(info ? "true" : "false") + ",\n";
  j += "  \"model_path\": " + quote(session.model_path()) + ",\n";
  j += "  \"vae_path\": " + quote(session.vae_path()) + ",\n";
  j += "  \"load_error\": " + quote(session.load_error()) + ",\n";
  j += "  \"num_scales\": " + std::to_string(info ? info->num_scales() : 0) + ",\n";
  j += "  \"scales_done\": " + std::to_string(frames.size()) + ",\n";
  j += "  \"selected_scale\": " + std::to_string(session.selected_scale() + 1) + ",\n";  // 1-based; 0: none
  j += "  \"scale_ms\": [";
  for (size_t i = 0; i < frames.size(); ++i) j += (i ? ", " : "") + std::to_string(frames[i].ms);
  j += "],\n";
  // From Generate to the final image on the UI thread (issue 13's explorer-vs-CLI measure).
  j += "  \"generation_ms\": " + std::to_string(session.last_generation_ms()) + ",\n";
  std::map<std::string, size_t> norms;  // head-norm records per module
  if (info)
    for (const gen::ModuleInfo& m : info->modules) norms[observe::module_name(m.module)] = 0;
  for (const ScaleFrame& f : frames)
    for (const observe::HeadStats& s : f.stats) ++norms[observe::module_name(s.site.module)];
  j += "  \"head_norms\": {";
  bool first = true;
  for (const auto& [module, count] : norms) j += (first ? "" : ", ") + quote(module) + ": " + std::to_string(count), first = false;
  j += "},\n";
  // What the attention variant reported over the run (poly: its chosen degrees and ranks).
  int calls = 0, min_degree = 0, max_degree = 0;
  int64_t max_rank = 0, failed = 0;
  for (const ScaleFrame& f : frames) {
    if (f.variant.calls == 0) continue;
    min_degree = calls == 0 ? f.variant.min_degree : std::min(min_degree, f.variant.min_degree);
    max_degree = std::max(max_degree, f.variant.max_degree);
    max_rank = std::max(max_rank, f.variant.max_rank), failed += f.variant.failed_rows, calls += f.variant.calls;
  }
  j += "  \"attention\": " + quote(session.shown_request().attention) + ",\n";
  j += "  \"variant_report\": {\"calls\": " + std::to_string(calls) + ", \"min_degree\": " + std::to_string(min_degree) +
       ", \"max_degree\": " + std::to_string(max_degree) + ", \"max_rank\": " + std::to_string(max_rank) +
       ", \"failed_rows\": " + std::to_string(failed) + "},\n";
  j += "  \"generation_error\": " + quote(session.generation_error()) + ",\n";
  j += "  \"attention_error\": " + quote(session.capture_error()) + ",\n";
  j += "  \"attention_captured\": " + std::string(session.attention_map() ? "true" : "false");
  if (!extra_fields.empty()) j += ",\n  " + extra_fields;
  j += "\n}\n";
  return j;
}

bool write_run_report(const std::string& path, const Session& session, const std::string& extra_fields) {
  return save_text_file(path, run_report_json(session, extra_fields));
}

}  // namespace vs::gui
