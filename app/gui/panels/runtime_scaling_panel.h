// "Runtime scaling": runs core's scaling benchmark (vs::attention::run_scaling_benchmark)
// on a worker and fills a log–log plot of median attention time against the final side n,
// per variant, live, with least-squares slopes in the legend and the theory's n⁴ and n²
// guides; a second plot shows the relative error against exact. Exports CSV/JSON.
#pragma once
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "app/gui/panels/panel.h"
#include "app/gui/widgets/plot/plot.h"
#include "app/gui/workers/background_job.h"
#include "core/attention/scaling_benchmark.h"

namespace vs::gui {

class RuntimeScalingPanel : public Panel {
 public:
  explicit RuntimeScalingPanel(std::function<void()> wake);
  const char* title() const override { return "Runtime scaling"; }
  const char* key() const override { return "scaling"; }
  void draw() override;
  void update() override;
  bool busy() const override { return job_.running(); }
  void load(const Settings& settings) override;
  void save(Settings& settings) const override;

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
  void draw_controls();
  void draw_plots();
  void export_to(const std::string& extension);

  std::string sides_text_ = "8,12,16,24,32";
  int head_dim_ = 8, repeats_ = 5;
  float bound_ = 0.5f;
  VariantChoice choice_;
  std::string export_base_ = "varscope-scaling";

  bool started_once_ = false;
  std::string message_;  // last error or export result, shown under the controls
  bool message_is_error_ = false;
  vs::attention::ScalingConfig config_;  // of the run the points belong to
  std::vector<vs::attention::ScalingPoint> points_;
  BackgroundJob<vs::attention::ScalingPoint> job_;
  plot::PlotState time_plot_, error_plot_;
};

}  // namespace vs::gui
