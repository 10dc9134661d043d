// "Accelerate": the practical speed-ups people use on VAR and FlowAR (core/accel: scale
// skip, unconditional-branch drop, FlowAR step schedules, FastVAR token pruning) applied to
// the run on screen and measured against its exact run, same class and seed: time per
// scale and in total, FastVAR's kept-token mask per scale, the final images and their
// difference, PSNR, and how far each scale's code drifted; every run of the session is a
// point on one time × quality plot, beside the attention variant it used (the theory's
// methods and the practical ones on the same axes). Extrapolated rules are marked.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/gui/panels/panel.h"
#include "app/gui/session/acceleration_run.h"
#include "app/gui/session/generation_source.h"
#include "app/gui/widgets/gl/colormap_image.h"
#include "app/gui/widgets/image_diff_view.h"
#include "app/gui/workers/background_job.h"

namespace vs::gui {

class AcceleratePanel : public Panel {
 public:
  // auto_spec: non-empty → run it as soon as a generation finishes (--accel, headless).
  AcceleratePanel(std::shared_ptr<const GenerationSource> source, std::function<void()> wake, std::string auto_spec);
  const char* title() const override { return "Accelerate"; }
  const char* key() const override { return "accelerate"; }
  void draw() override;
  void update() override;
  bool busy() const override { return job_.running() || was_running_ || !auto_spec_.empty(); }
  void load(const Settings& settings) override;
  void save(Settings& settings) const override;
  std::string report_fields() const override;

 private:
  // A finished run: one point of the plot.
  struct Point {
    std::string label;  // "<attention> + <accel>"
    double ms = 0, psnr = 0, speedup = 0;
  };
  void start(const std::string& spec);
  std::string spec_problem(const std::string& spec) const;  // "" when the spec fits the model
  void draw_table();
  void draw_plot();

  std::shared_ptr<const GenerationSource> source_;
  std::string auto_spec_;
  char spec_text_[256] = "fastvar";
  BackgroundJob<AccelEvent> job_;
  bool was_running_ = false;
  int serial_ = -1;  // the generation the run belongs to
  std::string spec_, error_;
  std::vector<AccelFrame> frames_;
  bool has_summary_ = false;
  AccelSummary summary_;
  std::vector<std::unique_ptr<ColormapImage>> masks_;  // FastVAR kept shares per scale
  bool images_set_ = false;
  ImageDiffView images_;
  std::vector<Point> points_;  // every finished run of this model
  std::string points_model_;
};

}  // namespace vs::gui
