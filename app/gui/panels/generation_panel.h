// "Generation": opens a model (shipped pairs in assets/models, a path with a recent list,
// or a checkpoint dropped on the window). What the file holds is detected on a worker
// (core's detect_model_kind): a FlowAR transformer opens in FlowArSession (FlowAR mode,
// FlowArControls below), anything else in VarSession, whose loader names what is wrong.
// VAR mode picks class, seed, sampling options and the attention variant, and runs
// generation on VarSession's worker (Generate, Step one scale, Cancel) with a progress bar
// and per-scale timings. Load errors are shown here.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "app/gui/app_options.h"
#include "app/gui/flowar/flowar_controls.h"
#include "app/gui/flowar/flowar_session.h"
#include "app/gui/panels/panel.h"
#include "app/gui/panels/variant_picker.h"
#include "app/gui/var/model_discovery.h"
#include "app/gui/var/var_session.h"

namespace vs::gui {

class GenerationPanel : public Panel {
 public:
  GenerationPanel(std::shared_ptr<VarSession> session, std::shared_ptr<FlowArSession> flowar,
                  const AppOptions& options, std::function<void()> wake = {});
  const char* title() const override { return "Generation"; }
  const char* key() const override { return "generation"; }
  void draw() override;
  void update() override;
  bool busy() const override { return session_->busy() || flowar_->busy() || detect_job_.running() || detecting_; }
  void load(const Settings& settings) override;
  void save(Settings& settings) const override;

  // Checkpoint files dropped on the window (a VAE by name goes to the VAE field).
  void on_drop(const std::vector<std::string>& paths);
  // Ctrl+G / Ctrl+O from the shell.
  void generate();
  void focus_open() { focus_path_ = true; }
  // The sampling widgets as they are now (not the last run's): VAR, and FlowAR's controls.
  GenerationParams params() const;
  FlowArParams flowar_params() const { return flowar_controls_.params(); }
  // The open family's widgets as a request (one image of the chosen class and seed).
  gen::SamplingRequest live_request() const {
    return flowar_->active ? sampling_request(flowar_params()) : sampling_request(params());
  }

 private:
  void open(const ModelPaths& paths);
  void open_as(const ModelPaths& paths, io::ModelKind kind);  // once the kind is known
  void draw_model();
  void draw_no_model();
  void draw_controls();
  void draw_progress();

  std::shared_ptr<VarSession> session_;
  std::shared_ptr<FlowArSession> flowar_;
  FlowArControls flowar_controls_;
  AppOptions options_;
  bool generate_after_open_ = false;  // the start model: generate once it is open
  ModelPaths detecting_paths_;
  bool detecting_ = false;
  BackgroundJob<io::ModelKind> detect_job_;
  bool started_ = false, focus_path_ = false;
  std::vector<ModelPaths> shipped_, recent_;
  char var_path_[1024] = {}, vae_path_[1024] = {}, patch_nums_[128] = {};
  std::string export_message_;
  std::string open_error_;  // a bad --patch-nums text etc., before the loader runs

  int class_id_ = 0;
  unsigned long long seed_ = 0;
  float cfg_ = float(GenerationParams{}.cfg), top_p_ = float(GenerationParams{}.top_p);
  int top_k_ = GenerationParams{}.top_k;
  bool more_smooth_ = false;
  VariantPicker variant_;
};

}  // namespace vs::gui
