#include "app/gui/flowar/flowar_report.h"

#include <fstream>

#include "core/io/json.h"

namespace vs::gui {

std::string flowar_report_json(const FlowArSession& session, const std::string& extra_fields) {
  using io::json::quote;
  const auto& frames = session.frames();
  const flowar::FlowArModel* model = session.model();
  std::string j = "{\n";
  j += "  \"family\": \"flowar\",\n";
  j += "  \"model_open\": " + std::string(model ? "true" : "false") + ",\n";
  j += "  \"model_path\": " + quote(session.model_path()) + ",\n";
  j += "  \"vae_path\": " + quote(session.vae_path()) + ",\n";
  j += "  \"load_error\": " + quote(session.load_error()) + ",\n";
  j += "  \"num_scales\": " + std::to_string(model ? model->config.num_scales() : 0) + ",\n";
  j += "  \"scales_done\": " + std::to_string(frames.size()) + ",\n";
  j += "  \"selected_scale\": " + std::to_string(session.selected() + 1) + ",\n";  // 1-based; 0: none
  j += "  \"scale_ms\": [";
  for (size_t i = 0; i < frames.size(); ++i) j += (i ? ", " : "") + std::to_string(frames[i].ms);
  j += "],\n";
  size_t ar = 0, flow = 0;
  for (const FlowArFrame& f : frames) ar += f.ar_stats.size(), flow += f.flow_stats.size();
  j += "  \"ar_head_norms\": " + std::to_string(ar) + ",\n";
  j += "  \"flownet_head_norms\": " + std::to_string(flow) + ",\n";
  size_t maps = 0;  // scales whose selected flownet attention map was captured
  for (const FlowArFrame& f : frames) maps += f.flownet_map.probs.empty() ? 0 : 1;
  j += "  \"flownet_maps\": " + std::to_string(maps) + ",\n";
  j += "  \"generation_error\": " + quote(session.generation_error());
  if (!extra_fields.empty()) j += ",\n  " + extra_fields;
  j += "\n}\n";
  return j;
}

bool write_flowar_report(const std::string& path, const FlowArSession& session, const std::string& extra_fields) {
  std::ofstream out(path);
  out << flowar_report_json(session, extra_fields);
  return bool(out);
}

}  // namespace vs::gui
