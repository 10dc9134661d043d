// "Runtime scaling": runs core's scaling benchmark (vs::attention::run_scaling_benchmark)
// on a worker, holding the one measurement slot for timing (a second sweep queues behind
// the first; the explorer's generation, capture, comparison and grid pause meanwhile), and
// fills a log–log plot of attention time (the timing protocol's minimum) against the final
// side n per variant, live, each beside its cost model at this machine's GEMM rate
// (dashed), with the slope over the asymptotic half, its 95 % interval and the model's in
// the legend and local slopes in the tooltips; a second plot shows the relative error
// against exact. One pyramid family per sweep, named in the title. Exports CSV/JSON. The
// last sweep's results are kept (export/sweep_store.h) and shown at the next start
// without measuring again.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "app/gui/panels/panel.h"
#include "app/gui/widgets/plot/plot.h"
#include "app/gui/workers/background_job.h"
#include "core/attention/scaling_benchmark.h"

namespace vs::gui {

class RuntimeScalingPanel : public Panel {
 public:
  // store_path: where the last sweep's results are kept across restarts ("": not kept).
  RuntimeScalingPanel(std::function<void()> wake, std::string store_path);
  const char* title() const override { return "Runtime scaling"; }
  const char* key() const override { return "scaling"; }
  void draw() override;
  void update() override;
  bool busy() const override { return job_.running(); }
  void load(const Settings& settings) override;
  void save(Settings& settings) const override;

 public:
  std::string report_fields() const override {
    return "\"points\": " + std::to_string(points_.size()) + ", \"variants\": " + std::to_string(config_.variants.size()) +
           ", \"stored\": " + (from_store_ ? "true" : "false");
  }

 private:
  // The variant checkboxes and their parameters; spec strings as core parses them.
  struct VariantChoice {
    bool exact = true, poly = true, performer = true, nystrom = true, svd = false;
    int poly_degree = 2;
    bool poly_chebyshev = true;
    int performer_features = 64, nystrom_landmarks = 32, svd_rank = 16;
  };
  std::vector<std::string> variant_specs() const;
  void start();
  // The kept results of the last session, if any; false when there are none to show.
  bool show_stored();
  void store();
  void draw_controls();
  void draw_plots();
  void export_to(const std::string& extension);

  // Exact stops at 128 (about half a second per call on 2 cores); the low-rank variants go
  // on to 256, where their n² shows past the fixed costs. Performer at 512 takes seconds
  // per call, too long for the sweep that opens with the window.
  std::string sides_text_ = "16,32,64,128,256";
  int quadratic_max_side_ = 128;
  bool official_pyramid_ = false;
  bool cpu_clock_ = false;  // time by the process's CPU time (cores shared with other work)
  int geometric_scales_ = 10;
  int head_dim_ = 8, samples_ = 5;
  float bound_ = 0.5f;
  VariantChoice choice_;
  std::string export_base_ = "varscope-scaling";

  bool started_once_ = false;
  // The built-in sweep, the one started unasked (load() may replace the fields above).
  const std::string default_sides_ = sides_text_;
  const int default_quadratic_max_side_ = quadratic_max_side_, default_samples_ = samples_;
  std::string message_;  // last error or export result, shown under the controls
  bool message_is_error_ = false;
  vs::attention::ScalingConfig config_;  // of the run the points belong to
  std::vector<vs::attention::ScalingPoint> points_;
  BackgroundJob<vs::attention::ScalingPoint> job_;
  std::string store_path_;
  bool from_store_ = false;  // points_ came from the store, not from a run of this session
  bool was_running_ = false, cancel_asked_ = false;
  plot::PlotState time_plot_, error_plot_;
};

}  // namespace vs::gui
