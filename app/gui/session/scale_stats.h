// What the gauges show of one scale's head norms, per module: a module that runs once per
// scale has one call per (kind, block, head); the flownet runs at every Euler step, so its
// norms are summarised per (kind, block, head) as the call with the largest β over the
// scale's steps (the worst case an approximation has to meet), or those of one step.
#pragma once
#include <vector>

#include "app/gui/session/scale_frame.h"

namespace vs::gui {

// Euler steps the frame recorded for the module (0: it takes none).
int euler_steps(const ScaleFrame& frame, observe::Module module);

// euler_step < 0: per (kind, block, head) the call with the largest β over all steps; else
// the calls of that (0-based) step. Ordered by kind, block, head.
std::vector<observe::HeadStats> module_stats(const ScaleFrame& frame, observe::Module module, int euler_step = -1);

}  // namespace vs::gui
