// "Phase transition": the polynomial method's measured error against x = B_eff/√(ln L)
// (theory §3: B_eff = √β with β the largest |logit| actually present, from core's
// head_norms) for a sweep of entry bounds, on random inputs at a fixed pyramid (side n →
// L tokens), head dim d and degree; with the zones shaded and the relative error of the
// degree-g polynomial on exp over [−β, β] (core/theory) as the theory curve. Runs on a
// worker; the attention runs are core's exact and poly variants. The last sweep's points
// are kept (export/sweep_store.h) and shown at the next start without running again.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "app/gui/export/sweep_store.h"
#include "app/gui/panels/panel.h"
#include "app/gui/widgets/plot/plot.h"
#include "app/gui/workers/background_job.h"

namespace vs::gui {

class PhaseTransitionPanel : public Panel {
 public:
  // store_path: where the last sweep's points are kept across restarts ("": not kept).
  PhaseTransitionPanel(std::function<void()> wake, std::string store_path);
  const char* title() const override { return "Phase transition"; }
  const char* key() const override { return "phase"; }
  void draw() override;
  void update() override;
  bool busy() const override { return job_.running(); }
  void load(const Settings& settings) override;
  void save(Settings& settings) const override;

  using Point = PhasePoint;

 public:
  std::string report_fields() const override {
    return "\"points\": " + std::to_string(points_.size()) + ", \"error\": \"" + (error_.empty() ? "" : "yes") + "\"" +
           ", \"stored\": " + (from_store_ ? "true" : "false");
  }

 private:
  void start();
  bool show_stored();  // the kept points of the last session; false when none
  void store();
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
  std::string store_path_, stored_note_;  // stored_note_: "measured …" of kept points
  bool from_store_ = false, was_running_ = false, cancel_asked_ = false;
  plot::PlotState plot_state_;
};

}  // namespace vs::gui
