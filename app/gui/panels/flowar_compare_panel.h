// "Exact vs approximate" in FlowAR mode: regenerates the FlowAR session's last image (same
// class, seed, cfg and Euler steps) with another attention variant in both the AR
// transformer and the flownet, and shows both images, their difference map and, per
// scale, how far the decoded images and the sampled latent tokens drift apart.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "app/gui/flowar/flowar_session.h"
#include "app/gui/panels/flowar_compare.h"
#include "app/gui/panels/image_diff_view.h"
#include "app/gui/panels/panel.h"
#include "app/gui/panels/variant_picker.h"

namespace vs::gui {

class FlowArComparePanel : public Panel {
 public:
  // auto_spec: non-empty → compare with this variant as soon as a generation finishes
  // (--compare, for headless runs).
  FlowArComparePanel(std::shared_ptr<FlowArSession> session, std::function<void()> wake, std::string auto_spec);
  const char* title() const override { return "Exact vs approximate"; }
  const char* key() const override { return "compare"; }
  void draw() override;
  void update() override;
  bool busy() const override { return job_.running() || was_running_ || !auto_spec_.empty(); }
  void load(const Settings& settings) override { variant_.load(settings, "compare.flowar_variant"); }
  void save(Settings& settings) const override { variant_.save(settings, "compare.flowar_variant"); }

 private:
  void start(const std::string& spec);
  bool reference_complete() const;
  void export_errors();

  std::shared_ptr<FlowArSession> session_;
  std::string auto_spec_;
  VariantPicker variant_;
  BackgroundJob<FlowArCompareFrame> job_;
  bool was_running_ = false;
  int serial_ = -1;  // the session generation the comparison belongs to
  std::string spec_, error_;
  std::string export_message_;  // the last export's result
  FlowArParams params_;  // of the comparison's reference
  std::vector<FlowArCompareFrame> frames_;
  int shown_ = -1;  // scale whose textures are built
  ImageDiffView images_;
};

}  // namespace vs::gui
