// Exact and approximate attention maps of one head side by side (viridis, one range for
// both) with their signed difference (blue below zero, white at zero, red above, on a
// scale symmetric about zero), each with its legend and the values under the mouse.
#pragma once
#include "app/gui/session/attention_pair.h"
#include "app/gui/widgets/gl/colormap_image.h"

namespace vs::gui {

class AttentionPairView {
 public:
  // Call on the UI thread (uploads textures).
  void set(const AttentionPair& pair);
  void draw();

 private:
  // Ticks at both ends and the middle; signed ones with their sign.
  void draw_legend(ColormapImage& legend, float lo, float hi, float width, bool signed_ticks);

  ColormapImage exact_, approx_, difference_, probability_legend_, difference_legend_;
  float probability_max_ = 1, difference_max_ = 1;
  std::string approx_spec_;
};

}  // namespace vs::gui
