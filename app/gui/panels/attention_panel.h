// "Attention inspector", for either family: for the selected scale and site — module (VAR's
// transformer, FlowAR's AR transformer or flownet), attention kind (self, or the flownet's
// cross-attention), Euler step where the module takes them, block and head — the attention
// probabilities through the colormap shader, linear or log, normalised per head or per
// block, with a numbered legend, the exact value on hover and the scale boundaries drawn
// where keys span every scale so far (block-causal); a grid of every block × head of the
// site as thumbnails (click one to inspect it); hover or pin (click) a query of a
// block-causal map to see its attention over every earlier scale's picture with the top
// keys. Only the selected site is captured in full (Session::request_capture replays it).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "app/gui/widgets/gl/colormap_image.h"
#include "app/gui/widgets/gl/rgb_texture.h"
#include "app/gui/widgets/head_grid_view.h"
#include "app/gui/panels/panel.h"
#include "app/gui/session/session.h"

namespace vs::gui {

class AttentionPanel : public Panel {
 public:
  explicit AttentionPanel(std::shared_ptr<Session> session) : session_(std::move(session)) {}
  const char* title() const override { return "Attention inspector"; }
  const char* key() const override { return "attention"; }
  void draw() override;
  void update() override;
  void load(const Settings& settings) override;
  void save(Settings& settings) const override;
  std::string report_fields() const override;

 private:
  void draw_site_controls();
  void rebuild();  // textures from the map for the current head / look
  void draw_legend(float width);
  void draw_matrix();
  // The attention of one query of a block-causal map over every earlier scale's picture
  // (tinted overlay), with its strongest keys listed.
  void draw_query_overlay(int query);
  // Keys spanning scales 0..scale of the map (the VAR and AR transformers' block-causal calls).
  bool block_causal() const;
  int64_t scale_begin(int scale) const;

  std::shared_ptr<Session> session_;
  int colormap_ = 0;       // 0 viridis, 1 magma
  bool log_scale_ = false;
  int normalise_ = 0;      // 0 per head, 1 per block (all heads of the captured block)
  bool show_grid_ = true;  // the all blocks × heads thumbnail grid
  HeadGridView grid_view_;
  int shown_serial_ = -1, shown_head_ = -1, shown_params_ = -1;
  ColormapImage matrix_, legend_;
  std::vector<std::unique_ptr<ColormapImage>> thumbs_;
  float lo_ = 0, hi_ = 1;
  long long overlay_key_ = -1;  // (serial, head, query) the overlay textures show
  std::vector<std::unique_ptr<RgbTexture>> scale_images_;
  std::vector<std::unique_ptr<ColormapImage>> overlays_;
  bool map_drawn_ = false, overlay_drawn_ = false;  // last frame, for the report
};

}  // namespace vs::gui
