// Draws a HeadGrid — every layer × head of one step — as one colormapped atlas texture
// (a single ColormapImage, however many heads), with the selected head framed, the
// layer / head under the mouse in a tooltip, and a click reported back. UI thread only.
#pragma once
#include <memory>

#include "app/gui/widgets/gl/colormap_image.h"
#include "app/gui/session/head_grid.h"

namespace vs::gui {

class HeadGridView {
 public:
  // Rebuilds the atlas only when the grid or the look changed.
  void set(const std::shared_ptr<const HeadGrid>& grid, Colormap colormap, bool log_scale, bool per_layer);
  // Draws at the cursor within width × max_height pixels (cells square, 6 to 40 px, so a
  // deep model may overflow the height); returns true on a click and sets the clicked
  // (layer, head).
  bool draw(float width, float max_height, int selected_layer, int selected_head, int* clicked_layer,
            int* clicked_head);

 private:
  std::shared_ptr<const HeadGrid> grid_;
  int look_ = -1;
  ColormapImage atlas_;
  GridAtlas layout_;  // its shape (values moved into the texture)
};

}  // namespace vs::gui
