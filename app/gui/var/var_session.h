// The explorer's VAR state shared by the generation, strip, attention and gauge panels:
// the opened model (loaded on a worker), one generation run on a worker that publishes
// each finished scale as an immutable ScaleFrame, and one inspection run that replays a
// finished generation up to the selected step to capture that step's attention (one
// layer, all heads), every layer's head norms and a thumbnail of every layer × head. Only the UI thread calls the methods;
// workers talk to it through BackgroundJob queues. All model math is core's.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/gui/panels/head_grid.h"
#include "app/gui/session/generation_source.h"
#include "app/gui/workers/background_job.h"
#include "core/observe/observer.h"
#include "core/var/var_generator.h"
#include "core/var/var_model.h"

namespace vs::gui {

// One finished scale of a generation (batch row 0), published by the worker.
struct ScaleFrame {
  int scale = 0, side = 0, num_scales = 0;
  std::vector<int64_t> ids;  // side² token ids, row-major
  int image_side = 0;
  std::vector<uint8_t> rgb;  // image_side² × 3: decoded f_hat after this scale
  double ms = 0;             // wall time of this scale (transformer step + VAE decode)
};

struct GenerationParams {
  int class_id = 0;
  uint64_t seed = 0;
  // The model family's defaults (core's default_var_request), the same as the CLI's.
  double cfg = var::default_var_request().cfg;
  int top_k = std::get<gen::VarExtra>(var::default_var_request().extra).top_k;
  double top_p = std::get<gen::VarExtra>(var::default_var_request().extra).top_p;
  bool more_smooth = false;
  std::string variant = "exact";  // attention variant spec (core's make_variant)
};

// The selected step's attention (one layer, every head) and all layers' head norms.
struct InspectResult {
  int step = 0, layer = 0, heads = 0, head_dim = 0;
  int64_t queries = 0, keys = 0;
  std::vector<float> probs;                    // (heads, queries, keys), row 0 (conditional)
  std::vector<observe::HeadStats> stats;       // every layer × head of the step, row 0
  // Thumbnails of every layer × head of the step (row 0), shared between inspections of
  // the same step of the same generation: changing only the layer does not recapture them.
  std::shared_ptr<const HeadGrid> grid;
  int generation_serial = 0;                   // the generation the capture replayed
  std::string error;
};

struct LoadedModel {
  std::shared_ptr<const var::VarModel> model;
  std::shared_ptr<const gen::Generator> generator;  // the same model behind the Generator interface
  std::vector<std::string> class_names;  // from safetensors metadata "class_names"; may be empty
};

// The request of these parameters (one image of class_id).
gen::SamplingRequest sampling_request(const GenerationParams& params);

// One generation on a worker: samples (or continues after `prefix`) and publishes every
// finished scale; stop_after ≥ 0 stops after that scale. Used by VarSession and the
// exact-vs-approximate comparison.
void run_generation(const var::VarModel& model, const GenerationParams& params,
                    const std::vector<std::vector<int64_t>>& prefix, int stop_after,
                    BackgroundJob<ScaleFrame>::Context& context);

// What the strip, attention and gauge panels look at; shared so they stay in step.
struct VarSelection {
  int step = -1;  // scale index; -1: the last finished one
  int layer = 0, head = 0;
  int query = -1;  // pinned query token of the step's scale; -1: none (follow the hover)
};

class VarSession : public GenerationSource {
 public:
  VarSelection selection;

  explicit VarSession(std::function<void()> wake = {});

  // Starts loading (VAR, VAE) on a worker; an empty vae_path tries "<var stem>-vae.<ext>".
  void open(const std::string& var_path, const std::string& vae_path, const std::vector<int>& patch_nums);
  // UI thread, every frame: drains the workers, starts queued work.
  void update();
  bool busy() const override;

  // Model.
  const var::VarModel* model() const { return loaded_.model.get(); }
  std::shared_ptr<const var::VarModel> shared_model() const { return loaded_.model; }
  bool loading() const override { return load_job_.running() || load_pending_; }
  const std::string& load_error() const { return load_error_; }
  const std::string& var_path() const { return var_path_; }
  const std::string& vae_path() const { return vae_path_; }
  std::string class_label(int class_id) const;

  // Generation. stop_after < 0: all scales. continue_current: keep the finished scales as
  // the prefix (core's prefix generation) and sample on from there.
  void generate(const GenerationParams& params, int stop_after = -1, bool continue_current = false);
  void generate_after_load(const GenerationParams& params) { pending_params_ = params, generate_pending_ = true; }
  // The parameters of the last generation asked for (the Generation panel's at its last
  // Generate), for runs started elsewhere with "the current settings".
  const GenerationParams& requested_params() const { return pending_params_; }
  void cancel();
  bool generating() const override { return gen_job_.running(); }
  const std::vector<ScaleFrame>& frames() const { return frames_; }
  const GenerationParams& frames_params() const { return frames_params_; }
  const std::string& generation_error() const { return gen_error_; }
  bool generation_cancelled() const { return gen_cancelled_; }
  int generation_serial() const override { return generation_serial_; }  // bumps on every new run

  // GenerationSource.
  std::shared_ptr<const gen::Generator> generator() const override { return loaded_.generator; }
  gen::SamplingRequest shown_request() const override { return sampling_request(frames_params_); }
  bool run_complete() const override;
  const std::string& model_path() const override { return var_path_; }

  // Inspection of the finished scales: step ∈ [0, frames), layer ∈ [0, depth).
  void inspect(int step, int layer);
  bool inspecting() const { return inspect_job_.running() || inspect_pending_; }
  const InspectResult* inspection() const { return has_inspection_ ? &inspection_ : nullptr; }
  int inspection_serial() const { return inspection_serial_; }  // bumps on every new result

 private:
  void start_generation();
  void start_inspection();

  LoadedModel loaded_;
  std::string var_path_, vae_path_, load_error_;
  bool load_pending_ = false;
  BackgroundJob<LoadedModel> load_job_;

  GenerationParams pending_params_, frames_params_;
  bool generate_pending_ = false, continue_pending_ = false;
  int stop_after_pending_ = -1;
  std::vector<ScaleFrame> frames_;
  std::string gen_error_;
  bool gen_cancelled_ = false, gen_was_running_ = false;
  int generation_serial_ = 0;
  BackgroundJob<ScaleFrame> gen_job_;

  int inspect_step_ = 0, inspect_layer_ = 0;
  bool inspect_was_running_ = false;
  bool inspect_pending_ = false, has_inspection_ = false, inspect_requested_ = false;
  InspectResult inspection_;
  int inspection_serial_ = 0;
  std::shared_ptr<const HeadGrid> grid_;  // the last captured grid, of grid_serial_'s generation
  int grid_serial_ = -1;
  BackgroundJob<InspectResult> inspect_job_;
};

}  // namespace vs::gui
