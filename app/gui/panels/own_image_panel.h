// "Your image": open a PNG/JPEG (path field, File ▸ Open image…, or a file dropped on the
// window) and see it through the open model's tokenizer — for VAR the VQ-VAE's token maps
// (colormapped ids) and the reconstruction after each scale, for FlowAR the KL VAE's latent
// pyramid (token norms) and each scale's latent decoded — then "Regenerate from scale k":
// keep the image's first k scales and let the model sample the rest with the Generation
// panel's sampling settings as they are now (class and seed can be changed here), the
// result beside the original. An image that cannot be read, or a model that fails, is
// shown as an error line in the panel.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "app/gui/shell/app_options.h"
#include "app/gui/widgets/gl/colormap_image.h"
#include "app/gui/widgets/gl/rgb_texture.h"
#include "app/gui/session/own_image_session.h"
#include "app/gui/session/paint_mask.h"
#include "app/gui/panels/panel.h"
#include "app/gui/widgets/file_browser.h"
#include "app/gui/session/generation_source.h"

namespace vs::gui {

class GenerationPanel;

class OwnImagePanel : public Panel {
 public:
  // source: the open model and the run on screen. generation: the Generation panel, whose
  // widgets give the sampling settings at the moment of a regeneration (it outlives this
  // panel's use of it). options: --image PATH opens it once the model is open;
  // --keep-scales K then regenerates.
  OwnImagePanel(std::shared_ptr<const GenerationSource> source, const GenerationPanel* generation,
                std::function<void()> wake, const AppOptions& options);
  const char* title() const override { return "Your image"; }
  const char* key() const override { return "own_image"; }
  void draw() override;
  void update() override;
  bool busy() const override;
  void load(const Settings& settings) override;
  void save(Settings& settings) const override;

  // Opens an image file (menu, drop); encoding starts once a model is open.
  void open_image(const std::string& path);
  std::string report_fields() const override;
  // The image could not be encoded or regenerated (a headless run then exits non-zero).
  bool failed() const { return !own_.error().empty() || !own_.regenerate_error().empty() || !edit_error_.empty(); }
  // File ▸ Open image…: the file browser on PNG and JPEG files.
  void browse() {
    browser_.open("Open image", FileBrowser::Mode::kFile, path_[0] ? path_ : "", {".png", ".jpg", ".jpeg"});
  }
  bool regenerating() const { return own_.regenerating(); }
  // One line for headless runs: what was encoded and regenerated, or the error.
  std::string summary() const;

 private:
  int num_scales() const { return int(own_.scales().size()); }
  std::string class_label(int class_id) const;
  int num_classes() const;
  bool can_regenerate() const;
  // The Generation panel's widgets now, with this panel's class and seed.
  gen::SamplingRequest live_request() const;
  void regenerate(int keep_scales);
  void follow_generation();
  void start_pending_work();
  void rebuild_textures();
  void draw_images(float side);
  void draw_controls();
  void draw_pyramid();
  void draw_fit_notice();  // "300×200: centre-cropped" with the crop / pad choice
  // Edit with a mask (own_image_edit.cpp): the paintable image, the tools, the results.
  enum class Mode { kRegenerate, kEdit };
  void draw_edit(float side);
  void draw_edit_canvas(float side);
  void draw_edit_tools(float width);
  void draw_edit_results(float side);
  // The tokens of scale `scale` an edit generates (side² flags), from the mask as painted.
  std::vector<uint8_t> generated_at_scale(int scale) const;
  // The keep mask at the last scale for the mask as painted and the task, recomputed only
  // when either changes (the token grids ask for it every frame).
  const std::vector<float>& last_scale_keep() const;
  int generated_tokens() const;  // at the last scale
  // Paints token (row, col) of scale `scale` as the mouse says (left: paint, right: erase).
  void paint_token(int scale, int row, int col);
  void start_edit();
  void export_edit();
  gen::SamplingRequest edit_request() const;
  void rebuild_mask_view();

  std::shared_ptr<const GenerationSource> source_;
  const GenerationPanel* generation_;
  OwnImageSession own_;
  char path_[1024] = {};
  FileBrowser browser_;
  // What the last frame drew, for --report-json: pictures (original, kept, regenerated),
  // pyramid scales, the error text.
  int pictures_drawn_ = 0, pyramid_drawn_ = 0;
  std::string shown_error_;
  std::string image_;          // the image on screen
  std::string pending_path_;   // to encode once a model is open
  int pending_keep_ = -1;      // --keep-scales: regenerate once encoded
  int keep_scales_ = 1;        // the slider: scales of the image kept
  io::SquareFit fit_ = io::SquareFit::kCrop;  // how a picture that is not square is fitted
  bool fit_given_ = false;                    // --fit: not overridden by the saved choice
  int class_id_ = 0;
  unsigned long long seed_ = 0;
  // The class and seed of the run on screen, to follow the Generation panel.
  int64_t seen_class_ = -1;
  uint64_t seen_seed_ = 0;

  Mode mode_ = Mode::kRegenerate;
  PaintMask mask_;
  mutable uint64_t keep_serial_ = ~uint64_t(0);  // last_scale_keep()'s inputs
  mutable int keep_task_ = -1, keep_side_ = -1;
  mutable std::vector<float> keep_;
  EditTask task_ = EditTask::kInpaint;
  int edit_class_ = 0, edit_count_ = 2;
  float brush_ = 3.0f;        // brush radius in image pixels
  bool box_tool_ = false;     // drag a box instead of painting
  bool box_dragging_ = false;
  ImVec2 box_start_{0, 0};    // image pixels
  std::vector<double> pending_edit_box_;  // --edit-box: painted once encoded, then run
  std::string pending_edit_mask_;        // --edit-mask
  bool pending_edit_ = false;
  bool select_mode_ = false;  // select mode_'s tab on the next frame
  std::string edit_error_;    // --edit-mask could not be read
  std::string edit_message_;  // the last export's paths, or why it failed
  uint64_t shown_mask_serial_ = ~uint64_t(0);
  std::unique_ptr<RgbTexture> mask_view_;  // the image with the painted region tinted
  std::vector<std::unique_ptr<RgbTexture>> edit_results_;
  int shown_edit_rows_ = 0;

  int shown_serial_ = -1, shown_regen_serial_ = -1;
  std::unique_ptr<RgbTexture> input_, regenerated_;  // null: nothing to show
  std::vector<std::unique_ptr<RgbTexture>> recons_;
  std::vector<std::unique_ptr<ColormapImage>> tokens_;
};

}  // namespace vs::gui
