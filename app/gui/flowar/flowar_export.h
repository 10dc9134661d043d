// CSV and JSON exports of a FlowAR run, each row carrying the run's parameters (model,
// class, seed, cfg, guidance, steps, variant) so a file stands on its own: per-scale
// timings, and the per-head norms of every attention call of the conditional row — the
// AR transformer's (once per scale) and the flownet's (per scale and Euler step; self-
// and, in Block_v2, cross-attention) — with the threshold numbers for ε in the columns of
// `varscope-cli inspect`'s norms.csv (module, block). Scales, Euler steps, blocks and heads count from 1,
// as on screen (inspect counts from 0).
#pragma once
#include <string>
#include <vector>

#include "app/gui/flowar/flowar_session.h"

namespace vs::gui {

// "scale,side,ms,model,class,seed,cfg,guidance,steps,variant" rows.
std::string flowar_timings_csv(const std::string& model, const FlowArParams& params,
                               const std::vector<FlowArFrame>& frames);
// "part,scale,euler_step,layer,attention,head,tokens,max_abs_q,max_abs_k,beta,b_eff,
//  threshold,ratio,zone,degree_for_eps,rank,epsilon,<parameters>" rows: part ar|flownet,
// attention self|cross, layer the AR layer or the flownet block, euler_step empty for AR.
std::string flowar_norms_csv(const std::string& model, const FlowArParams& params,
                             const std::vector<FlowArFrame>& frames, const flowar::FlowArConfig& config,
                             double epsilon);
// The same in one JSON object: the parameters, "scales" (timings) and "norms" (rows as
// objects; empty cells null).
std::string flowar_run_json(const std::string& model, const std::string& vae, const FlowArParams& params,
                            const std::vector<FlowArFrame>& frames, const flowar::FlowArConfig& config,
                            double epsilon);
// Writes the session's run as varscope-flowar-{timings,norms}-<stamp>.csv and
// varscope-flowar-run-<stamp>.json in the working directory; returns the status line
// ("saved …" or what could not be written / why there is nothing to export).
std::string export_flowar_run(const FlowArSession& session, double epsilon);

}  // namespace vs::gui
