// "Threshold & theory": the degree/rank calculator of theory §2.8 (β, ε, d, L sliders →
// threshold √ln L, the ratio and its zone on a gauge, least Taylor/Chebyshev degree, rank
// C(d+g, g), predicted speed-up L/r, the precision wall), the §3 picture of the runtime
// exponent against the ratio, and the text cards. All numbers come from core/theory.
#pragma once
#include <functional>
#include <string>

#include "app/gui/widgets/degree_error_map.h"
#include "app/gui/panels/panel.h"
#include "app/gui/widgets/plot/plot.h"
#include "app/gui/workers/background_job.h"
#include "core/theory/threshold.h"

namespace vs::gui {

class ThresholdTheoryPanel : public Panel {
 public:
  explicit ThresholdTheoryPanel(std::function<void()> wake);
  const char* title() const override { return "Threshold & theory"; }
  const char* key() const override { return "theory"; }
  void draw() override;
  void update() override;
  bool busy() const override { return curve_job_.running() || error_map_.busy(); }
  void load(const Settings& settings) override;
  void save(Settings& settings) const override;

  // One point of the §3 picture: the effective runtime exponent in L of the polynomial
  // method, 1 + ln r / ln L capped at 2 (exact attention is always available).
  struct ExponentPoint {
    double ratio, taylor_exponent, chebyshev_exponent;
  };

 public:
  std::string report_fields() const override {
    return "\"tokens\": " + std::to_string(tokens_) + ", \"head_dim\": " + std::to_string(head_dim_) +
           ", \"zone\": \"" + report_.zone_name + "\", \"chebyshev_degree\": " + std::to_string(report_.chebyshev.degree) +
           ", \"curve_points\": " + std::to_string(curve_.size()) + ", \"error\": \"" + (report_error_.empty() ? "" : "yes") + "\"";
  }

 private:
  void recompute_report();
  void start_curve();
  void draw_inputs();
  void draw_numbers();
  void draw_exponent_plot();

  double beta_ = 1.0, epsilon_ = 1e-3;
  int head_dim_ = 8, tokens_ = 4096;
  vs::theory::ThresholdReport report_;
  std::string report_error_;
  bool inputs_changed_ = true, curve_stale_ = true;
  BackgroundJob<ExponentPoint> curve_job_;
  std::vector<ExponentPoint> curve_;
  plot::PlotState plot_state_;
  DegreeErrorMap error_map_;
};

}  // namespace vs::gui
