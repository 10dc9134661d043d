#include "app/gui/export/run_export.h"


#include "app/cli/norms_csv.h"
#include "app/gui/export/csv_text.h"
#include "app/gui/export/export_folder.h"
#include "core/generator/describe.h"
#include "core/io/json.h"
#include "core/io/output_file.h"

namespace vs::gui {

namespace {

const char kParameterColumns[] = "model,class,seed,cfg,attention,settings";

std::string parameters(const gen::ModelInfo& info, const gen::SamplingRequest& r) {
  const int64_t label = r.labels.empty() ? 0 : r.labels.front();
  return csv_field(info.model_path) + "," + std::to_string(label) + "," + std::to_string(r.seed) + "," +
         csv_number(r.cfg) + "," + csv_field(r.attention) + "," + csv_field(gen::describe_request(r));
}

int head_dim_of(const gen::ModelInfo& info, observe::Module module) {
  const gen::ModuleInfo* m = info.module(module);
  return m ? m->head_dim : 0;
}

// "a,,b," -> {"a", "", "b", ""}: empty cells kept (the theory columns hold no commas).
std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> cells(1);
  for (char c : text) {
    if (c == ',') cells.emplace_back();
    else cells.back().push_back(c);
  }
  return cells;
}

// Where the CSV columns and the JSON members agree: one row of cells.
std::vector<std::string> norm_cells(const gen::ModelInfo& info, const observe::HeadStats& s, double epsilon) {
  std::vector<std::string> cells = {observe::module_name(s.site.module),
                                    std::to_string(s.site.scale + 1),
                                    s.site.euler_step >= 0 ? std::to_string(s.site.euler_step + 1) : "",
                                    std::to_string(s.site.block + 1),
                                    observe::attention_kind_name(s.site.kind),
                                    std::to_string(s.head + 1),
                                    std::to_string(s.queries)};
  for (std::string& cell : split_commas(cli::norms_csv_fields(s, head_dim_of(info, s.site.module), epsilon)))
    cells.push_back(std::move(cell));
  return cells;
}

std::vector<std::string> norm_columns() {
  std::vector<std::string> columns = {"module", "scale", "euler_step", "block", "attention", "head", "queries"};
  for (std::string& c : split_commas(cli::kNormsCsvColumns)) columns.push_back(std::move(c));
  return columns;
}

}  // namespace

std::string timings_csv(const gen::ModelInfo& info, const gen::SamplingRequest& request,
                        const std::vector<ScaleFrame>& frames) {
  std::string csv = std::string("scale,side,ms,") + kParameterColumns + "\n";
  const std::string tail = parameters(info, request);
  for (const ScaleFrame& f : frames)
    csv += std::to_string(f.scale + 1) + "," + std::to_string(f.side) + "," + csv_number(f.ms) + "," + tail + "\n";
  return csv;
}

std::string norms_csv(const gen::ModelInfo& info, const gen::SamplingRequest& request,
                      const std::vector<ScaleFrame>& frames, double epsilon) {
  std::string csv;
  for (const std::string& c : norm_columns()) csv += c + ",";
  csv += std::string("epsilon,") + kParameterColumns + "\n";
  const std::string tail = csv_number(epsilon) + "," + parameters(info, request);
  for (const ScaleFrame& f : frames)
    for (const observe::HeadStats& s : f.stats) {
      const std::vector<std::string> cells = norm_cells(info, s, epsilon);
      for (const std::string& cell : cells) csv += cell + ",";
      csv += tail + "\n";
    }
  return csv;
}

std::string run_json(const gen::ModelInfo& info, const gen::SamplingRequest& request,
                     const std::vector<ScaleFrame>& frames, double epsilon) {
  using io::json::quote;
  std::string j = "{\n";
  j += "  \"family\": " + quote(gen::family_name(info.family)) + ",\n";
  j += "  \"model\": " + quote(info.model_path) + ",\n";
  j += "  \"vae\": " + quote(info.vae_path) + ",\n";
  j += "  \"class\": " + std::to_string(request.labels.empty() ? 0 : request.labels.front()) + ",\n";
  j += "  \"seed\": " + std::to_string(request.seed) + ",\n";
  j += "  \"cfg\": " + csv_number(request.cfg) + ",\n";
  j += "  \"attention\": " + quote(request.attention) + ",\n";
  j += "  \"settings\": " + quote(gen::describe_request(request)) + ",\n";
  j += "  \"epsilon\": " + csv_number(epsilon) + ",\n";
  j += "  \"scales\": [";
  for (size_t i = 0; i < frames.size(); ++i)
    j += std::string(i ? ", " : "") + "{\"scale\": " + std::to_string(frames[i].scale + 1) +
         ", \"side\": " + std::to_string(frames[i].side) + ", \"ms\": " + csv_number(frames[i].ms) + "}";
  j += "],\n  \"norms\": [";
  const std::vector<std::string> columns = norm_columns();
  bool first = true;
  for (const ScaleFrame& f : frames)
    for (const observe::HeadStats& s : f.stats) {
      const std::vector<std::string> cells = norm_cells(info, s, epsilon);
      j += first ? "\n    {" : ",\n    {";
      first = false;
      for (size_t c = 0; c < columns.size(); ++c) {
        const std::string& cell = c < cells.size() ? cells[c] : std::string();
        const bool text = columns[c] == "module" || columns[c] == "attention" || columns[c] == "zone";
        j += (c ? ", " : "") + quote(columns[c]) + ": " + (cell.empty() ? "null" : text ? quote(cell) : cell);
      }
      j += "}";
    }
  j += "\n  ]\n}\n";
  return j;
}

bool save_text_file(const std::string& path, const std::string& text) {
  try {
    io::write_file_atomically(path, text);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

std::string export_run(const gen::ModelInfo& info, const gen::SamplingRequest& request,
                       const std::vector<ScaleFrame>& frames, double epsilon) {
  if (frames.empty()) return "nothing to export: generate an image first";
  const std::string timings = export_path("timings", "csv");
  const std::string norms = export_path("norms", "csv");
  const std::string json = export_path("run", "json");
  if (!save_text_file(timings, timings_csv(info, request, frames))) return "cannot write " + timings;
  if (!save_text_file(norms, norms_csv(info, request, frames, epsilon))) return "cannot write " + norms;
  if (!save_text_file(json, run_json(info, request, frames, epsilon))) return "cannot write " + json;
  return "saved " + timings + ", " + norms + " and " + json;
}

}  // namespace vs::gui
