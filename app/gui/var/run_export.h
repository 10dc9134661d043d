// CSV exports of a VAR run, each row carrying the run's parameters (model, class, seed,
// cfg, top-k, top-p, variant) so a file stands on its own: per-scale timings, and the
// per-layer × head norms of the inspected step with the threshold numbers for ε.
#pragma once
#include <string>
#include <vector>

#include "app/gui/var/var_session.h"

namespace vs::gui {

// "scale,side,ms,model,class,seed,cfg,top_k,top_p,more_smooth,variant" rows.
std::string timings_csv(const std::string& model, const GenerationParams& params, const std::vector<ScaleFrame>& frames);
// "step,layer,head,queries,keys,max_abs_q,max_abs_k,beta,b_eff,threshold,ratio,zone,epsilon,
//  degree,rank,speedup,<parameters>" rows; degree/rank/speedup empty when no degree reaches ε.
std::string norms_csv(const std::string& model, const GenerationParams& params, const InspectResult& inspection,
                      double epsilon);
// Writes text to a file; returns false when it cannot.
bool save_text_file(const std::string& path, const std::string& text);
// "varscope-<what>-YYYYmmdd-HHMMSS.<extension>" in the working directory.
std::string export_file_name(const std::string& what, const std::string& extension);

}  // namespace vs::gui
