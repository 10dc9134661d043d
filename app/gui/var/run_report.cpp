#include "app/gui/var/run_report.h"

#include <fstream>

#include "core/io/json.h"

namespace vs::gui {

std::string run_report_json(const VarSession& session, const std::string& extra_fields) {
  using io::json::quote;
  const auto& frames = session.frames();
  const var::VarModel* model = session.model();
  std::string j = "{\n";
  j += "  \"model_open\": " + std::string(model ? "true" : "false") + ",\n";
  j += "  \"var_path\": " + quote(session.var_path()) + ",\n";
  j += "  \"vae_path\": " + quote(session.vae_path()) + ",\n";
  j += "  \"load_error\": " + quote(session.load_error()) + ",\n";
  j += "  \"num_scales\": " + std::to_string(model ? model->config().num_scales() : 0) + ",\n";
  j += "  \"scales_done\": " + std::to_string(frames.size()) + ",\n";
  // The strip's selected scale, 1-based as on screen (selection.step -1 follows the
  // latest); 0 when there are no scales.
  const int n = int(frames.size()), step = session.selection.step;
  j += "  \"selected_scale\": " + std::to_string(n == 0 ? 0 : step < 0 || step >= n ? n : step + 1) + ",\n";
  j += "  \"scale_ms\": [";
  for (size_t i = 0; i < frames.size(); ++i) j += (i ? ", " : "") + std::to_string(frames[i].ms);
  j += "],\n";
  j += "  \"generation_error\": " + quote(session.generation_error()) + ",\n";
  j += "  \"attention_error\": " + quote(session.inspection() ? session.inspection()->error : "") + ",\n";
  j += "  \"attention_captured\": " + std::string(session.inspection() && session.inspection()->error.empty() ? "true" : "false");
  if (!extra_fields.empty()) j += ",\n  " + extra_fields;
  j += "\n}\n";
  return j;
}

bool write_run_report(const std::string& path, const VarSession& session, const std::string& extra_fields) {
  std::ofstream out(path);
  out << run_report_json(session, extra_fields);
  return bool(out);
}

}  // namespace vs::gui
