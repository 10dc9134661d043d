// "Attention inspector" in FlowAR mode: the AR transformer's attention at the selected
// scale — queries of that scale × keys of every scale so far (block-causal over scales) —
// for a chosen layer and head, through the colormap with the scale boundaries drawn and
// the probability on hover. Captured during the generation (conditional row). The
// flownet's attention (within one scale, per Euler step) is not shown.
#pragma once
#include <memory>

#include "app/gui/flowar/flowar_session.h"
#include "app/gui/gl/colormap_image.h"
#include "app/gui/panels/panel.h"

namespace vs::gui {

class FlowArAttentionPanel : public Panel {
 public:
  explicit FlowArAttentionPanel(std::shared_ptr<FlowArSession> session) : session_(std::move(session)) {}
  const char* title() const override { return "Attention inspector"; }
  const char* key() const override { return "attention"; }
  void draw() override;

 private:
  std::shared_ptr<FlowArSession> session_;
  int layer_ = 0, head_ = 0;
  bool log_scale_ = false;
  int shown_ = -1;  // (serial, scale, layer, head, log) the texture shows, hashed
  ColormapImage matrix_;
};

}  // namespace vs::gui
