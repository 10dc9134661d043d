// The Generation panel's FlowAR part: class (with names), seed (dice), Euler steps, cfg,
// guidance window and attention variant; Generate / Cancel; progress per scale and per
// Euler step; per-scale timings (exported as CSV).
#pragma once
#include <memory>
#include <string>

#include "app/gui/flowar/flowar_session.h"
#include "app/gui/panels/variant_picker.h"
#include "app/gui/settings.h"

namespace vs::gui {

class FlowArControls {
 public:
  explicit FlowArControls(std::shared_ptr<FlowArSession> session) : session_(std::move(session)) {}
  void draw();
  FlowArParams params() const;
  void set_class_seed(int class_id, int seed);  // -1: keep
  void load(const Settings& settings);
  void save(Settings& settings) const;

 private:
  void draw_progress();

  std::shared_ptr<FlowArSession> session_;
  int class_id_ = 0;
  unsigned long long seed_ = 0;
  int steps_ = 25;
  float cfg_ = 4.3f, guidance_ = 0.9f;
  VariantPicker variant_;
  std::string export_message_;
};

}  // namespace vs::gui
