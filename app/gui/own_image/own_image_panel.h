// "Your image": open a PNG/JPEG (path field, File ▸ Open image…, or a file dropped on the
// window), see it through the open VAR model's VQ-VAE — the fitted input, each scale's
// token map (colormapped ids) and the reconstruction after each scale — then "Regenerate
// from scale k": keep the image's first k token maps and let the model sample the rest
// with the Generation panel's class / seed / cfg / attention variant (class and seed can
// be changed here), the result beside the original. An image that cannot be read, or a
// model that fails, is shown as an error line in the panel.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "app/gui/app_options.h"
#include "app/gui/gl/colormap_image.h"
#include "app/gui/gl/rgb_texture.h"
#include "app/gui/own_image/own_image_session.h"
#include "app/gui/panels/panel.h"
#include "app/gui/var/var_session.h"

namespace vs::gui {

class OwnImagePanel : public Panel {
 public:
  // options: --image PATH opens it once the model is open; --keep-scales K then regenerates.
  OwnImagePanel(std::shared_ptr<VarSession> session, std::function<void()> wake, const AppOptions& options);
  const char* title() const override { return "Your image"; }
  const char* key() const override { return "own_image"; }
  void draw() override;
  void update() override;
  bool busy() const override;
  void load(const Settings& settings) override;
  void save(Settings& settings) const override;

  // Opens an image file (menu, drop); encoding starts once a model is open.
  void open_image(const std::string& path);
  void focus_path() { focus_path_ = true; }
  bool regenerating() const { return own_.regenerating(); }
  // One line for headless runs: what was encoded and regenerated, or the error.
  std::string summary() const;

 private:
  void rebuild_textures();
  void draw_images(float side);
  void draw_controls();
  void draw_pyramid();
  GenerationParams params() const;

  std::shared_ptr<VarSession> session_;
  OwnImageSession own_;
  char path_[1024] = {};
  bool focus_path_ = false;
  std::string pending_path_;   // to encode once a model is open
  int pending_keep_ = -1;      // --keep-scales: regenerate once encoded
  int keep_scales_ = 1;        // the slider: token maps of the image kept
  int class_id_ = 0;
  unsigned long long seed_ = 0;
  GenerationParams seen_params_;  // the Generation panel's last request, to follow its class / seed

  int shown_serial_ = -1, shown_regen_serial_ = -1;
  std::unique_ptr<RgbTexture> input_, regenerated_;  // null: nothing to show
  std::vector<std::unique_ptr<RgbTexture>> recons_;
  std::vector<std::unique_ptr<ColormapImage>> tokens_;
};

}  // namespace vs::gui
