// What the norm gauges show for one FlowAR scale: the flownet attention runs at every Euler
// step, so its per-head norms are summarised per (block, head) — the call with the largest
// β over the scale's steps (the worst case the approximation has to meet), or the calls
// of one chosen step.
#pragma once
#include <vector>

#include "app/gui/flowar/flowar_session.h"

namespace vs::gui {

// euler_step ≤ 0: per (layer, head) the call with the largest β over all steps; else the
// calls of that (1-based) step. Ordered by layer, then head.
std::vector<observe::HeadStats> flownet_norms(const FlowArFrame& frame, int euler_step);

// Largest Euler step recorded in the frame (0 when none).
int euler_steps_recorded(const FlowArFrame& frame);

}  // namespace vs::gui
