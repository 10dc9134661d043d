// "Exact vs approximate": regenerates the current image's class and seed with another
// attention variant and shows both images, their difference map and, per scale, how far
// the decoded images and the token maps drift apart. Same seed, so any difference is the
// approximation's (and what it does to the sampled tokens downstream).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "app/gui/panels/image_diff_view.h"
#include "app/gui/panels/panel.h"
#include "app/gui/panels/variant_picker.h"
#include "app/gui/var/var_session.h"

namespace vs::gui {

class ComparePanel : public Panel {
 public:
  // auto_spec: non-empty → compare with this variant as soon as a generation finishes
  // (--compare, for headless runs).
  ComparePanel(std::shared_ptr<VarSession> session, std::function<void()> wake, std::string auto_spec);
  const char* title() const override { return "Exact vs approximate"; }
  const char* key() const override { return "compare"; }
  void draw() override;
  void update() override;
  bool busy() const override { return job_.running() || was_running_ || !auto_spec_.empty(); }
  void load(const Settings& settings) override { variant_.load(settings, "compare.variant"); }
  void save(Settings& settings) const override { variant_.save(settings, "compare.variant"); }

 private:
  void start(const std::string& spec);
  void export_errors();

  std::shared_ptr<VarSession> session_;
  std::string auto_spec_;
  VariantPicker variant_;
  BackgroundJob<ScaleFrame> job_;
  bool was_running_ = false;
  int serial_ = -1;  // the session generation the comparison belongs to
  std::string spec_, error_;
  std::string export_message_;  // the last export's result
  std::vector<ScaleFrame> frames_;
  int shown_ = -1;  // scale whose textures are built
  ImageDiffView images_;
};

}  // namespace vs::gui
