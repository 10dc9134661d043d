// "Norms vs threshold": for the selected step, every layer × head's max|Q|, max|K|,
// β = max|logit| and B_eff = √β against √(ln L) (theory §3 zones, colour-coded), the
// polynomial degree and rank the Alman–Song method needs for ε, and the predicted speed-up
// L/r; the selected head's position on the zone gauge. Numbers from core (head_norms,
// threshold_report); a one-line explanation on hover.
#pragma once
#include <memory>
#include <string>

#include "app/gui/panels/panel.h"
#include "app/gui/var/var_session.h"

namespace vs::gui {

class NormGaugesPanel : public Panel {
 public:
  explicit NormGaugesPanel(std::shared_ptr<VarSession> session) : session_(std::move(session)) {}
  const char* title() const override { return "Norms vs threshold"; }
  const char* key() const override { return "gauges"; }
  void draw() override;
  void load(const Settings& settings) override;
  void save(Settings& settings) const override;

 private:
  std::shared_ptr<VarSession> session_;
  float log10_epsilon_ = -3;  // target relative error ε = 10^x
  std::string message_;       // the last export's result
};

}  // namespace vs::gui
