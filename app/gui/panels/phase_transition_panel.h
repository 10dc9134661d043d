// "Phase transition": the polynomial method's measured error against x = B_eff/√(ln L)
// (theory §3: B_eff = √β with β the largest |logit| actually present, from core's
// head_norms) for a sweep of entry bounds, on random inputs at a fixed pyramid (side n →
// L tokens), head dim d and degree; with the zones shaded and the relative error of the
// degree-g polynomial on exp over [−β, β] (core/theory) as the theory curve. Runs on a
// worker; the attention runs are core's exact and poly variants.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "app/gui/panels/panel.h"
#include "app/gui/widgets/plot/plot.h"
#include "app/gui/workers/background_job.h"

namespace vs::gui {

class PhaseTransitionPanel : public Panel {
 public:
  explicit PhaseTransitionPanel(std::function<void()> wake);
  const char* title() const override { return "Phase transition"; }
  const char* key() const override { return "phase"; }
  void draw() override;
  void update() override;
  bool busy() const override { return job_.running(); }
  void load(const Settings& settings) override;
  void save(Settings& settings) const override;

  struct Point {
    double bound;           // entries of Q, K, V uniform in [−bound, bound]
    double beta;            // largest |logit| of the inputs (softmax scale 1/√d), measured
    double ratio;           // √β / √(ln L)
    double measured_error;  // ‖O_poly − O_exact‖_F / ‖O_exact‖_F
    double exp_error;       // relative sup error of the polynomial on exp over [−β, β]
  };

 public:
  std::string report_fields() const override {
    return "\"points\": " + std::to_string(points_.size()) + ", \"error\": \"" + (error_.empty() ? "" : "yes") + "\"";
  }

 private:
  void start();
  void draw_controls();

  static constexpr int kDefaultSide = 16, kDefaultSteps = 14;
  int side_ = kDefaultSide, head_dim_ = 8, degree_ = 2, steps_ = kDefaultSteps;
  bool chebyshev_ = true;
  float bound_min_ = 0.05f, bound_max_ = 3.0f;
  bool started_once_ = false;
  std::string error_;
  int64_t tokens_ = 0;  // L of the last run's pyramid
  std::string run_label_;
  std::vector<Point> points_;
  BackgroundJob<Point> job_;
  plot::PlotState plot_state_;
};

}  // namespace vs::gui
