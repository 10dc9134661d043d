// CSV and JSON exports of "Exact vs approximate": the per-scale errors the panel's table
// shows, each row carrying the run's parameters (model, class, seed, cfg, the family's
// sampler settings, reference and approximate variant) so a file stands on its own.
// Scales count from 1, as on screen. Pure functions and file writing; no ImGui.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "app/gui/session/comparison.h"
#include "core/generator/generator.h"

namespace vs::gui {

// What was compared, as the columns every row repeats.
struct CompareRun {
  std::string family;  // "var" or "flowar": also the file names' prefix
  std::string model;
  int class_id = 0;
  uint64_t seed = 0;
  double cfg = 0;
  std::vector<std::pair<std::string, double>> sampler;  // VAR: top_k, top_p; FlowAR: steps, guidance
  std::string reference_variant, approx_variant;
  // The token column's name: VAR "same_tokens" (fraction of equal token ids, the panel's
  // "same tokens" / 100), FlowAR "token_error" (‖z_approx − z_ref‖₂ / ‖z_ref‖₂).
  std::string token_column;
};

// One scale of the comparison, as the panel's table shows it.
struct CompareErrorRow {
  int scale = 0;  // 1-based
  int side = 0;   // token side of the scale
  double image_error = 0;  // ‖rgb_approx − rgb_ref‖₂ / ‖rgb_ref‖₂ of the decoded image
  double token_value = 0;  // the run's token_column
  double attention_error = 0;  // the worst head's ‖O_approx − O_exact‖/‖O_exact‖ of the scale (NaN: none)
};

// The reference request's class, seed, cfg, attention and the family's sampler settings.
CompareRun compare_run(const std::string& model, const gen::SamplingRequest& reference, const std::string& approx_spec);

// One row per compared scale.
std::vector<CompareErrorRow> compare_rows(const std::vector<CompareFrame>& frames);

// "scale,side,image_error,<token_column>,model,class,seed,cfg,<sampler>,reference_variant,
//  approx_variant" rows.
std::string compare_errors_csv(const CompareRun& run, const std::vector<CompareErrorRow>& rows);
// One object: the parameters, then "scales" (rows as objects; non-finite numbers null).
std::string compare_errors_json(const CompareRun& run, const std::vector<CompareErrorRow>& rows);
// The --report-json member: "compare": {"approx_variant": …, "reference_variant": …,
// "scales": [rows as in compare_errors_json]}, or "compare": null when nothing was compared.
std::string compare_report_field(const CompareRun& run, const std::vector<CompareErrorRow>& rows);

// Writes varscope-<family>-compare-errors-<stamp>.{csv,json} in the working directory;
// returns the status line ("saved …", what could not be written, or why there is nothing).
std::string export_compare_errors(const CompareRun& run, const std::vector<CompareErrorRow>& rows);

}  // namespace vs::gui
