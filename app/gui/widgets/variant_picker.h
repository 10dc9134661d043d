// One attention variant and its parameters as widgets, producing the spec string core's
// make_variant parses ("exact", "poly:degree=2:basis=chebyshev", …). The same families and
// parameter ranges as the runtime scaling panel's checkboxes, for a single choice. Poly
// defaults to "poly:auto" (issue 14): the degree is chosen per call for the measured β̂
// and the target error, so choosing poly never ruins the image by default.
#pragma once
#include <string>

#include "app/gui/shell/settings.h"

namespace vs::gui {

struct VariantPicker {
  int family = 0;  // 0 exact, 1 poly, 2 performer, 3 nystrom, 4 svd, 5 window
  bool poly_auto = true;
  float poly_eps = 1e-2f;  // poly:auto's target relative error on exp
  int poly_degree = 2;
  bool poly_chebyshev = true;
  int performer_features = 64, nystrom_landmarks = 32, svd_rank = 16;
  // window (LiteVAR's MDWA): widths of the query's own scale and of earlier scales; the
  // square shape is ours [D]; zero logits reproduce the published code (no compute saved).
  int window_current = 8, window_previous = 2;
  bool window_square = false, window_zero_logits = false;

  std::string spec() const;
  // Shows `spec` (a spec core's make_variant accepts, e.g. --compare's) in the widgets:
  // true when spec() now runs the same variant, false when the picker holds only the
  // nearest choice (a parameter it has no widget for, or outside a slider's range). A
  // spec make_variant refuses throws its vs::Error and leaves the picker as it was.
  bool set_spec(const std::string& spec);
  // Draws the combo and the chosen family's parameters; returns true when changed.
  bool draw(const char* label);
  void load(const Settings& settings, const std::string& prefix);
  void save(Settings& settings, const std::string& prefix) const;
};

}  // namespace vs::gui
