// "Attention inspector": for the selected step (scale), layer and head, the attention
// probabilities (queries of that scale × keys of every scale so far) through the colormap
// shader, linear or log, normalised per head or per layer, with a numbered legend, the
// exact value on hover and the scale boundaries drawn; a heads row of thumbnails to pick a
// head; hover or pin (click) a query to see its attention over every earlier scale's
// image with the top keys; a grid of every layer × head of the step as small thumbnails
// (click one to inspect it). Only the selected (step, layer) is captured in full
// (VarSession::inspect replays it); the grid holds thumbnails only (HeadGrid).
#pragma once
#include <memory>
#include <vector>

#include "app/gui/gl/colormap_image.h"
#include "app/gui/gl/rgb_texture.h"
#include "app/gui/panels/head_grid_view.h"
#include "app/gui/panels/panel.h"
#include "app/gui/var/var_session.h"

namespace vs::gui {

class AttentionPanel : public Panel {
 public:
  explicit AttentionPanel(std::shared_ptr<VarSession> session) : session_(std::move(session)) {}
  const char* title() const override { return "Attention inspector"; }
  const char* key() const override { return "attention"; }
  void draw() override;
  void update() override;
  void load(const Settings& settings) override;
  void save(Settings& settings) const override;

 private:
  void rebuild();  // textures from the inspection for the current head / params
  void draw_legend(float width);
  // The attention of one query token of the selected scale over every earlier scale's
  // image (tinted overlay), with its strongest keys listed.
  void draw_query_overlay(int query);

  std::shared_ptr<VarSession> session_;
  int colormap_ = 0;       // 0 viridis, 1 magma
  bool log_scale_ = false;
  int normalise_ = 0;      // 0 per head, 1 per layer (all heads of the captured layer)
  bool show_grid_ = true;  // the all layers × heads thumbnail grid
  HeadGridView grid_view_;
  int shown_serial_ = -1;
  int shown_head_ = -1, shown_params_ = -1;
  ColormapImage matrix_, legend_;
  std::vector<std::unique_ptr<ColormapImage>> thumbs_;
  float lo_ = 0, hi_ = 1;
  int overlay_key_ = -1;            // (serial, head, query) the overlay textures show, hashed
  std::vector<std::unique_ptr<RgbTexture>> scale_images_;
  std::vector<std::unique_ptr<ColormapImage>> overlays_;
};

}  // namespace vs::gui
