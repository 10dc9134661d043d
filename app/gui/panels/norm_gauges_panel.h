// "Norms vs threshold": for the selected scale, every module's block × head max|Q|, max|K|,
// β = max|logit| and B_eff = √β against √(ln L) (theory §3 zones, colour-coded), the
// polynomial degree and rank the Alman–Song method needs for ε, and the predicted speed-up
// L/r; the selected head (or the module's worst) on the zone gauge. A module that runs at
// every Euler step (the flownet) shows the worst call over the steps, or one chosen step.
// Numbers from core (head_norms, threshold_report); the whole run exports as CSV + JSON.
#pragma once
#include <memory>
#include <string>

#include "app/gui/panels/panel.h"
#include "app/gui/session/session.h"

namespace vs::gui {

class NormGaugesPanel : public Panel {
 public:
  explicit NormGaugesPanel(std::shared_ptr<Session> session) : session_(std::move(session)) {}
  const char* title() const override { return "Norms vs threshold"; }
  const char* key() const override { return "gauges"; }
  void draw() override;
  void load(const Settings& settings) override;
  void save(Settings& settings) const override;
  std::string report_fields() const override;

  // Every scale's norms and timings as CSV + JSON in the working folder; the status line.
  std::string export_run();

 private:
  void draw_module(const gen::ModuleInfo& module, const ScaleFrame& frame, double epsilon, float table_height);

  std::shared_ptr<Session> session_;
  float log10_epsilon_ = -3;  // target relative error ε = 10^x
  int euler_step_ = -1;       // flownet rows: -1 worst over the steps, else that 0-based step
  std::string message_;       // the last export's result
  std::string shown_;         // rows per module drawn last frame, for the report
};

}  // namespace vs::gui
