// The table of per-head norms against the threshold (theory §3) that both gauges panels
// show: block (cross-attention marked), head, max|Q|, max|K|, β, B_eff, x = B_eff/√(ln L)
// with its zone colour, and the Chebyshev degree, rank r and speed-up L/r the Alman–Song
// method needs for ε (core's threshold_report), the zone's explanation on hover.
#pragma once
#include <vector>

#include "core/observe/observer.h"

namespace vs::gui {

struct NormTableSelection {
  int block = -1, head = -1;  // the highlighted row; -1: none
};

// Draws the table `id` (height 0: fill the window). Returns true when a row was clicked,
// with that row's block and head in *clicked.
bool draw_norm_table(const char* id, const std::vector<observe::HeadStats>& stats, int head_dim, double epsilon,
                     float height, const NormTableSelection& selected = {}, NormTableSelection* clicked = nullptr);

}  // namespace vs::gui
