// "Criterion": does the open model satisfy the bounded-entry criterion? The explorer's view
// of `varscope-cli criterion`: N generations with the Generation panel's settings, then
// for every scale, block and head the measured max |Q|, |K|, β and B_eff/√(ln L) coloured by
// zone (hover for the numbers and the polynomial degree ε needs), the heads per zone per
// scale as stacked bars, and the verdict line; CSV and JSON export. Runs on a worker with
// progress and cancel.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "app/gui/panels/panel.h"
#include "app/gui/session/criterion_run.h"
#include "app/gui/session/generation_source.h"
#include "app/gui/workers/background_job.h"

namespace vs::gui {

class GenerationPanel;

class CriterionPanel : public Panel {
 public:
  // auto_samples > 0: run with that many images once a model is open (--criterion, headless).
  CriterionPanel(std::shared_ptr<const GenerationSource> source, const GenerationPanel* generation,
                 std::function<void()> wake, int auto_samples);
  const char* title() const override { return "Criterion"; }
  const char* key() const override { return "criterion"; }
  void draw() override;
  void update() override;
  bool busy() const override { return job_.running() || was_running_ || auto_samples_ > 0; }
  void load(const Settings& settings) override;
  void save(Settings& settings) const override;
  std::string report_fields() const override;

 private:
  void start();
  void export_files();
  void draw_histogram();
  void draw_head_map();

  std::shared_ptr<const GenerationSource> source_;
  const GenerationPanel* generation_;
  int auto_samples_ = 0;
  int samples_ = 4;
  float log_eps_ = -3.0f;  // ε = 10^log_eps_
  BackgroundJob<CriterionResult> job_;
  bool was_running_ = false;
  bool has_result_ = false;
  CriterionResult result_;
  std::string model_path_;  // the model the result belongs to
  std::string error_, message_;
  int view_ = 0;  // which (module, kind) of the result is shown
  int heads_drawn_ = 0;
};

}  // namespace vs::gui
