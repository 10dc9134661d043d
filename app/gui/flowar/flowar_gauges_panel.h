// "Norms vs threshold" in FlowAR mode, for the selected scale: the AR transformer's
// attention (block-causal over the scales so far: one call per layer) and the flownet's
// (within the scale, at every Euler step: the worst step per block × head, or one chosen
// step) in separate tables — max|Q|, max|K|, β, B_eff against √(ln L) with the theory §3
// zone, and the polynomial degree / rank / speed-up the Alman–Song method needs for ε.
// Exports the whole run's norms and timings (every scale, every Euler step) as CSV + JSON.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "app/gui/flowar/flowar_session.h"
#include "app/gui/panels/panel.h"

namespace vs::gui {

class FlowArGaugesPanel : public Panel {
 public:
  explicit FlowArGaugesPanel(std::shared_ptr<FlowArSession> session) : session_(std::move(session)) {}
  const char* title() const override { return "Norms vs threshold"; }
  const char* key() const override { return "gauges"; }
  void draw() override;
  // Writes the run's CSV and JSON files for this panel's ε; returns the status line.
  std::string export_run();

 private:
  std::shared_ptr<FlowArSession> session_;
  float log10_epsilon_ = -3;
  int euler_step_ = 0;  // 0: the worst step
  std::string message_;  // the last export's result
};

}  // namespace vs::gui
