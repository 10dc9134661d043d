#include "app/gui/flowar/flowar_export.h"

#include <cstdio>

#include "app/gui/csv_text.h"
#include "app/cli/norms_csv.h"
#include "app/gui/var/run_export.h"
#include "core/io/json.h"

namespace vs::gui {

namespace {


const char kParameterColumns[] = "model,class,seed,cfg,guidance,steps,variant";

std::string parameters(const std::string& model, const FlowArParams& p) {
  return csv_field(model) + "," + std::to_string(p.class_id) + "," + std::to_string(p.seed) + "," + csv_number(p.cfg) + "," +
         csv_number(p.guidance) + "," + std::to_string(p.steps) + "," + csv_field(p.variant);
}

// One head of one attention call, as both formats write it.
struct NormRow {
  const char* part;  // "ar" or "flownet"
  int scale = 0, euler_step = 0, layer = 0;  // 1-based; euler_step 0 for the AR
  bool cross = false;
  int head = 0;
  std::string theory;  // cli::norms_csv_fields
};

std::vector<NormRow> norm_rows(const std::vector<FlowArFrame>& frames, const flowar::FlowArConfig& config,
                               double epsilon) {
  std::vector<NormRow> rows;
  for (const FlowArFrame& f : frames) {
    for (const observe::HeadStats& s : f.ar_stats)
      rows.push_back({"ar", f.scale + 1, 0, s.site.block + 1, false, s.head + 1,
                      cli::norms_csv_fields(s, config.ar_head_dim(), epsilon)});
    for (size_t i = 0; i < f.flow_stats.size(); ++i) {
      const observe::HeadStats& s = f.flow_stats[i];
      const bool cross = s.site.kind == observe::AttentionKind::kCross;
      rows.push_back({"flownet", f.scale + 1, i < f.flow_euler_step.size() ? f.flow_euler_step[i] : 0,
                      s.site.block + 1, cross, s.head + 1,
                      cli::norms_csv_fields(s, config.flow_head_dim(), epsilon)});
    }
  }
  return rows;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts(1);
  for (char c : text) {
    if (c == ',') parts.emplace_back();
    else parts.back().push_back(c);
  }
  return parts;
}

// A norms_csv_fields cell as JSON: the zone a string, numbers as written; empty cells and
// non-finite numbers ("inf", "nan": no JSON spelling) null.
std::string json_cell(const std::string& column, const std::string& cell) {
  if (column == "zone") return io::json::quote(cell);
  return cell.empty() || cell.find_first_of("in") != std::string::npos ? "null" : cell;
}

}  // namespace

std::string flowar_timings_csv(const std::string& model, const FlowArParams& params,
                               const std::vector<FlowArFrame>& frames) {
  std::string csv = std::string("scale,side,ms,") + kParameterColumns + "\n";
  const std::string tail = parameters(model, params);
  for (const FlowArFrame& f : frames)
    csv += std::to_string(f.scale + 1) + "," + std::to_string(f.side) + "," + csv_number(f.ms) + "," + tail + "\n";
  return csv;
}

std::string flowar_norms_csv(const std::string& model, const FlowArParams& params,
                             const std::vector<FlowArFrame>& frames, const flowar::FlowArConfig& config,
                             double epsilon) {
  std::string csv = std::string("module,scale,euler_step,block,attention,head,") + cli::kNormsCsvColumns +
                    ",epsilon," + kParameterColumns + "\n";
  const std::string tail = csv_number(epsilon) + "," + parameters(model, params);
  for (const NormRow& r : norm_rows(frames, config, epsilon))
    csv += std::string(r.part) + "," + std::to_string(r.scale) + "," +
           (r.euler_step > 0 ? std::to_string(r.euler_step) : std::string()) + "," + std::to_string(r.layer) + "," +
           (r.cross ? "cross," : "self,") + std::to_string(r.head) + "," + r.theory + "," + tail + "\n";
  return csv;
}

std::string flowar_run_json(const std::string& model, const std::string& vae, const FlowArParams& params,
                            const std::vector<FlowArFrame>& frames, const flowar::FlowArConfig& config,
                            double epsilon) {
  using io::json::quote;
  std::string j = "{\n";
  j += "  \"family\": \"flowar\",\n";
  j += "  \"model\": " + quote(model) + ",\n";
  j += "  \"vae\": " + quote(vae) + ",\n";
  j += "  \"class\": " + std::to_string(params.class_id) + ",\n";
  j += "  \"seed\": " + std::to_string(params.seed) + ",\n";
  j += "  \"cfg\": " + csv_number(params.cfg) + ",\n";
  j += "  \"guidance\": " + csv_number(params.guidance) + ",\n";
  j += "  \"steps\": " + std::to_string(params.steps) + ",\n";
  j += "  \"variant\": " + quote(params.variant) + ",\n";
  j += "  \"epsilon\": " + csv_number(epsilon) + ",\n";
  j += "  \"scales\": [";
  for (size_t i = 0; i < frames.size(); ++i)
    j += std::string(i ? ",\n    " : "\n    ") + "{\"scale\": " + std::to_string(frames[i].scale + 1) +
         ", \"side\": " + std::to_string(frames[i].side) + ", \"ms\": " + csv_number(frames[i].ms) + "}";
  j += frames.empty() ? "],\n" : "\n  ],\n";
  const std::vector<std::string> columns = split_commas(cli::kNormsCsvColumns);
  const std::vector<NormRow> rows = norm_rows(frames, config, epsilon);
  j += "  \"norms\": [";
  for (size_t i = 0; i < rows.size(); ++i) {
    const NormRow& r = rows[i];
    j += std::string(i ? ",\n    " : "\n    ") + "{\"module\": \"" + r.part + "\", \"scale\": " +
         std::to_string(r.scale) + ", \"euler_step\": " + (r.euler_step > 0 ? std::to_string(r.euler_step) : "null") +
         ", \"block\": " + std::to_string(r.layer) + ", \"attention\": \"" + (r.cross ? "cross" : "self") +
         "\", \"head\": " + std::to_string(r.head);
    const std::vector<std::string> cells = split_commas(r.theory);
    for (size_t c = 0; c < columns.size() && c < cells.size(); ++c)
      j += ", " + quote(columns[c]) + ": " + json_cell(columns[c], cells[c]);
    j += "}";
  }
  j += rows.empty() ? "]\n" : "\n  ]\n";
  j += "}\n";
  return j;
}

std::string export_flowar_run(const FlowArSession& session, double epsilon) {
  const flowar::FlowArModel* model = session.model();
  if (!model || session.frames().empty()) return "nothing to export: generate an image first";
  const auto& frames = session.frames();
  const FlowArParams& params = session.frames_params();
  const std::string timings = export_file_name("flowar-timings", "csv");
  const std::string norms = export_file_name("flowar-norms", "csv"), json = export_file_name("flowar-run", "json");
  if (!save_text_file(timings, flowar_timings_csv(session.model_path(), params, frames)))
    return "cannot write " + timings;
  if (!save_text_file(norms, flowar_norms_csv(session.model_path(), params, frames, model->config, epsilon)))
    return "cannot write " + norms;
  if (!save_text_file(json, flowar_run_json(session.model_path(), session.vae_path(), params, frames, model->config,
                                            epsilon)))
    return "cannot write " + json;
  return "saved " + timings + ", " + norms + ", " + json;
}

}  // namespace vs::gui
