// "Coarse to fine": every finished scale of the current generation as its decoded image
// (f_hat after scale k) above its token grid (ids through the colormap), a scrubber with
// play/pause/step, and the selected scale's image large. Nearest-neighbour textures, so the
// 1×1 … n×n token maps show as blocks.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "app/gui/gl/colormap_image.h"
#include "app/gui/gl/rgb_texture.h"
#include "app/gui/panels/panel.h"
#include "app/gui/var/var_session.h"

namespace vs::gui {

class ScaleStripPanel : public Panel {
 public:
  explicit ScaleStripPanel(std::shared_ptr<VarSession> session)
      : session_(std::move(session)), keep_selection_(session_->selection.step >= 0) {}
  const char* title() const override { return "Coarse to fine"; }
  const char* key() const override { return "strip"; }
  void draw() override;
  void update() override;
  bool busy() const override { return playing_; }

  // Space / ← / → from the shell.
  void toggle_play() { playing_ = !playing_; }
  void step_by(int delta);

 private:
  int selected() const;  // resolved selection.step
  void draw_scrubber();

  std::shared_ptr<VarSession> session_;
  int serial_ = -1;
  std::vector<std::unique_ptr<RgbTexture>> images_;
  std::vector<std::unique_ptr<ColormapImage>> tokens_;
  bool keep_selection_;  // a --select step survives the first generation's restarts
  bool playing_ = false;
  std::string message_;  // the last PNG export's result
  double last_tick_ = 0;
};

}  // namespace vs::gui
