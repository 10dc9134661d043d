// "Generation": opens a model (shipped pairs in assets/models, a path with a recent list,
// or a checkpoint dropped on the window) in the one Session — core's open_generator tells
// VAR from FlowAR — and runs it: class, seed, cfg and attention variant for every family,
// the family's own extras through its adapter (family_controls/), Generate, Step one
// scale, Cancel, progress per scale (and per Euler step where the family takes them),
// per-scale timings and their export. Load and generation errors are shown here.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/gui/shell/app_options.h"
#include "app/gui/panels/panel.h"
#include "app/gui/widgets/file_browser.h"
#include "app/gui/widgets/variant_picker.h"
#include "app/gui/session/session.h"
#include "app/gui/session/model_discovery.h"

namespace vs::gui {

class GenerationPanel : public Panel {
 public:
  GenerationPanel(std::shared_ptr<Session> session, const AppOptions& options);
  const char* title() const override { return "Generation"; }
  const char* key() const override { return "generation"; }
  void draw() override;
  void update() override;
  bool busy() const override { return session_->busy(); }
  void load(const Settings& settings) override;
  void save(Settings& settings) const override;
  std::string report_fields() const override;

  // Checkpoint files dropped on the window (a VAE by name goes to the VAE field).
  void on_drop(const std::vector<std::string>& paths);
  // Ctrl+G / Ctrl+O from the shell.
  void generate();
  // File ▸ Open model… / Ctrl+O: the file browser on checkpoint files.
  void browse_model();
  // The sampling widgets as they are now (not the last run's), as a request of one image.
  gen::SamplingRequest live_request() const;

 private:
  void open(const ModelPaths& paths);
  // A model of another family is open: its defaults, then the user's saved settings for it.
  void adapt_to(const std::shared_ptr<const gen::Generator>& generator);
  void draw_model();
  void draw_no_model();
  void draw_controls();
  void draw_progress();

  std::shared_ptr<Session> session_;
  AppOptions options_;
  bool started_ = false;
  std::vector<ModelPaths> shipped_, recent_;
  char model_path_[1024] = {}, vae_path_[1024] = {}, scales_[128] = {};
  WeightPrecision precision_ = WeightPrecision::kFp32;  // for the next open; a change reopens the model
  std::string export_message_, open_error_;
  std::string shown_error_;  // the error drawn last frame, for the report
  Settings stored_;  // the settings read at start, for the extras of a family opened later
  std::weak_ptr<const gen::Generator> adapted_;
  bool adapted_any_ = false;
  gen::SamplingRequest request_;  // class, seed, cfg and the family's extras as the widgets hold them
  int class_id_ = 0;
  unsigned long long seed_ = 0;
  VariantPicker variant_;
  std::string attention_override_;  // --attention, until the user picks in the widget
  FileBrowser browser_;
  int browser_target_ = 0;  // 0: the model, 1: its VAE
  static std::vector<std::string> checkpoint_extensions();
};

}  // namespace vs::gui
