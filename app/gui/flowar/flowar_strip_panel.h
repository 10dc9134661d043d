// "Coarse to fine" in FlowAR mode: each finished scale (1, 2, 4, … tokens per side) as its
// decoded image over its token map (‖token‖₂ through the colormap: FlowAR's tokens are
// continuous, not ids), appearing as soon as the scale is done; a scrubber with
// play/pause/step (Space, ←/→ from the shell), click to select a scale, shown large below.
#pragma once
#include <memory>
#include <vector>

#include "app/gui/flowar/flowar_session.h"
#include "app/gui/gl/colormap_image.h"
#include "app/gui/gl/rgb_texture.h"
#include "app/gui/panels/panel.h"

namespace vs::gui {

class FlowArStripPanel : public Panel {
 public:
  explicit FlowArStripPanel(std::shared_ptr<FlowArSession> session) : session_(std::move(session)) {}
  const char* title() const override { return "Coarse to fine"; }
  const char* key() const override { return "strip"; }
  void draw() override;
  void update() override;
  bool busy() const override { return playing_; }

  // Space / ← / → from the shell in FlowAR mode.
  void toggle_play() { playing_ = !playing_; }
  void step_by(int delta);

 private:
  void draw_scrubber();

  std::shared_ptr<FlowArSession> session_;
  int serial_ = -1;
  std::vector<std::unique_ptr<RgbTexture>> images_;
  std::vector<std::unique_ptr<ColormapImage>> tokens_;
  bool playing_ = false;
  double last_tick_ = 0;
};

}  // namespace vs::gui
