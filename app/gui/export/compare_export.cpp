#include "app/gui/export/compare_export.h"

#include <cmath>

#include "app/gui/export/csv_text.h"
#include "app/gui/export/export_folder.h"
#include "app/gui/export/run_export.h"
#include "core/io/json.h"

namespace vs::gui {

namespace {

// JSON has no spelling for inf or NaN (a NaN error means the runs' sizes differed).
std::string json_number(double value) { return std::isfinite(value) ? csv_number(value) : "null"; }

// The family's part of a run: its name, sampler settings and token column.
struct FamilyColumns {
  CompareRun& run;
  void operator()(const gen::VarExtra& e) const {
    run.family = "var";
    run.sampler = {{"top_k", double(e.top_k)}, {"top_p", e.top_p}};
    run.token_column = "same_tokens";
  }
  void operator()(const gen::FlowArExtra& e) const {
    run.family = "flowar";
    run.sampler = {{"steps", double(e.steps)}, {"guidance", e.guidance}};
    run.token_column = "token_error";
  }
};

}  // namespace

CompareRun compare_run(const std::string& model, const gen::SamplingRequest& reference, const std::string& approx_spec) {
  CompareRun run;
  run.model = model;
  run.class_id = reference.labels.empty() ? 0 : int(reference.labels.front());
  run.seed = reference.seed, run.cfg = reference.cfg;
  std::visit(FamilyColumns{run}, reference.extra);
  run.reference_variant = reference.attention, run.approx_variant = approx_spec;
  return run;
}

std::vector<CompareErrorRow> compare_rows(const std::vector<CompareFrame>& frames) {
  std::vector<CompareErrorRow> rows;
  for (const CompareFrame& f : frames)
    rows.push_back({f.scale + 1, f.side, f.image_error, std::isnan(f.same_tokens) ? f.token_error : f.same_tokens,
                    f.worst_head_error()});
  return rows;
}

std::string compare_errors_csv(const CompareRun& run, const std::vector<CompareErrorRow>& rows) {
  std::string csv = "scale,side,image_error," + run.token_column + ",attention_error,model,class,seed,cfg,";
  std::string tail = csv_field(run.model) + "," + std::to_string(run.class_id) + "," + std::to_string(run.seed) + "," +
                     csv_number(run.cfg) + ",";
  for (const auto& [name, value] : run.sampler) csv += name + ",", tail += csv_number(value) + ",";
  csv += "reference_variant,approx_variant\n";
  tail += csv_field(run.reference_variant) + "," + csv_field(run.approx_variant);
  for (const CompareErrorRow& r : rows)
    csv += std::to_string(r.scale) + "," + std::to_string(r.side) + "," + csv_number(r.image_error) + "," +
           csv_number(r.token_value) + "," + (std::isnan(r.attention_error) ? "" : csv_number(r.attention_error)) + "," +
           tail + "\n";
  return csv;
}

std::string compare_errors_json(const CompareRun& run, const std::vector<CompareErrorRow>& rows) {
  using io::json::quote;
  std::string j = "{\n";
  j += "  \"family\": " + quote(run.family) + ",\n";
  j += "  \"model\": " + quote(run.model) + ",\n";
  j += "  \"class\": " + std::to_string(run.class_id) + ",\n";
  j += "  \"seed\": " + std::to_string(run.seed) + ",\n";
  j += "  \"cfg\": " + json_number(run.cfg) + ",\n";
  for (const auto& [name, value] : run.sampler) j += "  " + quote(name) + ": " + json_number(value) + ",\n";
  j += "  \"reference_variant\": " + quote(run.reference_variant) + ",\n";
  j += "  \"approx_variant\": " + quote(run.approx_variant) + ",\n";
  j += "  \"scales\": [";
  for (size_t i = 0; i < rows.size(); ++i)
    j += std::string(i ? ",\n    " : "\n    ") + "{\"scale\": " + std::to_string(rows[i].scale) +
         ", \"side\": " + std::to_string(rows[i].side) + ", \"image_error\": " + json_number(rows[i].image_error) +
         ", " + quote(run.token_column) + ": " + json_number(rows[i].token_value) +
         ", \"attention_error\": " + json_number(rows[i].attention_error) + "}";
  j += rows.empty() ? "]\n" : "\n  ]\n";
  j += "}\n";
  return j;
}

std::string compare_report_field(const CompareRun& run, const std::vector<CompareErrorRow>& rows) {
  if (rows.empty()) return "\"compare\": null";
  std::string json = compare_errors_json(run, rows);
  while (!json.empty() && json.back() == '\n') json.pop_back();
  return "\"compare\": " + json;
}

std::string export_compare_errors(const CompareRun& run, const std::vector<CompareErrorRow>& rows) {
  if (rows.empty()) return "nothing to export: compare first";
  const std::string csv = export_path(run.family + "-compare-errors", "csv");
  const std::string json = export_path(run.family + "-compare-errors", "json");
  if (!save_text_file(csv, compare_errors_csv(run, rows))) return "cannot write " + csv;
  if (!save_text_file(json, compare_errors_json(run, rows))) return "cannot write " + json;
  return "saved " + csv + ", " + json;
}

}  // namespace vs::gui
