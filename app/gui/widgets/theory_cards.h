// The text cards of the theory panel: what the seed papers say, in plain words, with the
// live numbers of the calculator woven in. Citations follow theory §0/§1.6: "(a), main
// results (abstract)" and so on, never theorem numbers the spec marks unverified.
#pragma once
#include "core/theory/threshold.h"

namespace vs::gui {

void draw_theory_cards(const vs::theory::ThresholdReport& report);

}  // namespace vs::gui
