// "Attention inspector" in FlowAR mode, for the strip's selected scale, two maps side by
// side through the colormap (probability on hover, one log switch for both):
//  - the AR transformer's attention — queries of that scale × keys of every scale so far
//    (block-causal over scales), scale boundaries drawn — for a chosen layer and head,
//    captured during the generation (conditional row);
//  - the flownet's attention within the scale (side² queries × side² keys) at a chosen
//    Euler step, block and head: self-attention, or cross-attention to the AR condition
//    in Block_v2 models. The generation captures the selected (step, block) at every
//    scale; another selection is captured by running the generation again to the scale.
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
  // The log switch and the flownet selection (Euler step, block, self/cross) persist.
  void load(const Settings& settings) override;
  void save(Settings& settings) const override;

 private:
  void draw_ar(const FlowArFrame& frame);
  void draw_flownet(const FlowArFrame& frame);

  std::shared_ptr<FlowArSession> session_;
  bool log_scale_ = false;
  int layer_ = 0, head_ = 0;
  int shown_ = -1;  // (serial, scale, layer, head, log) the AR texture shows, hashed
  ColormapImage matrix_;
  int flow_head_ = 0;
  // What the flownet texture shows.
  const FlownetMap* flow_shown_map_ = nullptr;
  FlownetMapKey flow_shown_key_;
  int flow_shown_serial_ = -1, flow_shown_head_ = -1;
  bool flow_shown_log_ = false;
  ColormapImage flow_matrix_;
};

}  // namespace vs::gui
