// CSV and JSON exports of the run on screen, for either family (the family is a field, not
// a file): per-scale timings, and the per-head norms of every attention call of row 0 —
// each module, kind, Euler step, block and head — with the threshold numbers for ε in the
// columns of `varscope-cli inspect`'s norms.csv. Every row carries the run's parameters so
// a file stands on its own. Scales, Euler steps, blocks and heads count from 1, as on
// screen (inspect counts from 0).
#pragma once
#include <string>
#include <vector>

#include "app/gui/session/scale_frame.h"
#include "core/generator/generator.h"

namespace vs::gui {

// "scale,side,ms,<parameters>" rows.
std::string timings_csv(const gen::ModelInfo& info, const gen::SamplingRequest& request,
                        const std::vector<ScaleFrame>& frames);
// "module,scale,euler_step,block,attention,head,queries,tokens,max_abs_q,...,rank,epsilon,
//  <parameters>" rows; euler_step empty outside the flownet, degree/rank empty where undefined.
std::string norms_csv(const gen::ModelInfo& info, const gen::SamplingRequest& request,
                      const std::vector<ScaleFrame>& frames, double epsilon);
// The same in one JSON object: the parameters, "scales" (timings) and "norms" (rows as
// objects; empty cells null).
std::string run_json(const gen::ModelInfo& info, const gen::SamplingRequest& request,
                     const std::vector<ScaleFrame>& frames, double epsilon);
// Writes varscope-{timings,norms}-<stamp>.csv and varscope-run-<stamp>.json into the
// export folder (export_folder.h); returns the status line ("saved …" with full paths, or
// what could not be written).
std::string export_run(const gen::ModelInfo& info, const gen::SamplingRequest& request,
                       const std::vector<ScaleFrame>& frames, double epsilon);

// Writes text to a file through core's checked writer; returns false when it cannot.
bool save_text_file(const std::string& path, const std::string& text);

}  // namespace vs::gui
