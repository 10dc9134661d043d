// "Coarse to fine": every finished scale of the generation on screen as its picture above
// its token grid (token ids, or the magnitude ‖z‖ of latent tokens, through the colormap),
// a scrubber with play/pause/step, and the selected scale's picture large. Nearest-
// neighbour textures, so the 1×1 … n×n token maps show as blocks.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "app/gui/widgets/gl/colormap_image.h"
#include "app/gui/widgets/gl/rgb_texture.h"
#include "app/gui/panels/panel.h"
#include "app/gui/session/session.h"

namespace vs::gui {

class ScaleStripPanel : public Panel {
 public:
  explicit ScaleStripPanel(std::shared_ptr<Session> session)
      : session_(std::move(session)), keep_selection_(session_->selection.scale >= 0) {}
  const char* title() const override { return "Coarse to fine"; }
  const char* key() const override { return "strip"; }
  void draw() override;
  void update() override;
  bool busy() const override { return playing_; }
  std::string report_fields() const override;

  // Space / ← / → from the shell.
  void toggle_play() { playing_ = !playing_; }
  void step_by(int delta);

 private:
  void draw_scrubber();
  // "id 17" or "‖z‖ = 0.42" for the token grid's tooltip.
  std::string token_text(float value) const;

  std::shared_ptr<Session> session_;
  int serial_ = -1;
  std::vector<std::unique_ptr<RgbTexture>> images_;
  std::vector<std::unique_ptr<ColormapImage>> tokens_;
  bool keep_selection_;  // a --select scale survives the first generation's restarts
  bool playing_ = false;
  std::string message_;  // the last PNG export's result
  double last_tick_ = 0;
  int drawn_ = 0;  // scales drawn in the last frame (the report's)
};

}  // namespace vs::gui
