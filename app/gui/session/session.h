// The explorer's generation, for either family, over one gen::Generator: the model opened
// on a worker (open_generator tells the families apart), one generation on a worker that
// publishes each finished scale as a ScaleFrame (FrameRecorder) with Euler-step progress,
// and one attention capture that replays the run on screen up to the selected site
// (capture_attention). The strip, inspector, gauges, exports and the report read it; only
// the UI thread calls its methods, workers talk to it through BackgroundJob queues.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/gui/session/attention_capture.h"
#include "app/gui/session/generation_source.h"
#include "app/gui/session/scale_frame.h"
#include "app/gui/workers/background_job.h"

namespace vs::gui {

// "random:var-d16", "random:flowar-S": a model of the official shapes with random weights
// (gen::open_random_generator) — timings and attention at full size, no download.
constexpr const char* kRandomModelPrefix = "random:";
bool is_random_model(const std::string& path);

// What the strip, inspector and gauges look at; shared so they stay in step.
struct Selection {
  int scale = -1;  // -1: the last finished one
  observe::Module module = observe::Module::kVar;  // kept valid for the open model
  observe::AttentionKind kind = observe::AttentionKind::kSelf;
  int euler_step = -1;  // 0-based; -1: the last one (modules that take Euler steps)
  int block = 0, head = 0;
  int query = -1;  // pinned query token of the scale; -1: none (follow the hover)
};

class Session : public GenerationSource {
 public:
  // The request of a generation asked for before the model is known (its defaults).
  using RequestMaker = std::function<gen::SamplingRequest(const gen::Generator&)>;

  Selection selection;

  explicit Session(std::function<void()> wake = {});

  // Loads on a worker; an empty vae_path looks for "<stem>-vae.<ext>" beside the model.
  // `scales` overrides the checkpoint's scale schedule (empty: the checkpoint's);
  // `precision` is how the transformers' Linear weights are stored.
  void open(const std::string& model_path, const std::string& vae_path = "", const std::vector<int>& scales = {},
            WeightPrecision precision = WeightPrecision::kFp32);
  void update();  // UI thread, every frame: drains the workers, starts queued work
  bool busy() const override;

  // Model.
  std::shared_ptr<const gen::Generator> generator() const override { return generator_; }
  const gen::ModelInfo* info() const { return generator_ ? &generator_->info() : nullptr; }
  const gen::ModuleInfo* module_info(observe::Module module) const;
  bool loading() const override { return load_job_.running() || load_pending_; }
  const std::string& load_error() const { return load_error_; }
  const std::string& model_path() const override { return model_path_; }
  const std::string& vae_path() const { return vae_path_; }
  std::string class_label(int class_id) const;

  // Generation. stop_after ≥ 0: sample that many more scales only; continue_current keeps
  // the finished scales as the prefix (same request) and samples on from there.
  void generate(const gen::SamplingRequest& request, int stop_after = -1, bool continue_current = false);
  void generate_after_load(RequestMaker make) { make_after_load_ = std::move(make); }
  void cancel();
  bool generating() const override { return gen_job_.running(); }
  const std::vector<ScaleFrame>& frames() const { return frames_; }
  gen::SamplingRequest shown_request() const override { return shown_; }
  const std::string& generation_error() const { return gen_error_; }
  bool generation_cancelled() const { return gen_cancelled_; }
  int generation_serial() const override { return generation_serial_; }
  // Milliseconds from the last generate() to its final scale reaching the UI thread; < 0:
  // none finished since.
  double last_generation_ms() const { return last_generation_ms_; }
  bool run_complete() const override;
  // The Euler step under way while generating (steps 0: the family takes none).
  gen::StepEvent step_progress() const;
  // The selected scale resolved against frames(); -1 when there is none.
  int selected_scale() const;

  // Capture of the selection's site (the selected scale, module, kind, Euler step, block).
  CaptureKey selected_key() const;
  bool selected_site(CaptureKey* key, int* head) const override;
  void request_capture(const CaptureKey& key);
  const AttentionMap* attention_map() const { return has_map_ ? &map_ : nullptr; }
  bool capturing() const { return capture_job_.running() || capture_pending_; }
  const std::string& capture_error() const { return capture_error_; }
  int capture_serial() const { return capture_serial_; }  // bumps on every new map

  // A runtime sweep is timing: the generation and capture wait for it (issue 13).
  bool paused_for_timing() const;

 private:
  void start_generation();
  void start_capture();
  void reset_run();

  std::shared_ptr<const gen::Generator> generator_;
  std::string model_path_, vae_path_, load_error_;
  bool load_pending_ = false;
  RequestMaker make_after_load_;
  std::function<void()> wake_;  // wakes the UI loop (glfwPostEmptyEvent)
  BackgroundJob<std::shared_ptr<const gen::Generator>> load_job_;

  gen::SamplingRequest pending_, shown_;
  bool generate_pending_ = false, continue_pending_ = false;
  int stop_after_pending_ = -1;
  std::vector<ScaleFrame> frames_;
  std::string gen_error_;
  bool gen_cancelled_ = false, gen_was_running_ = false;
  int generation_serial_ = 0;
  std::chrono::steady_clock::time_point generate_requested_{};
  double last_generation_ms_ = -1;
  BackgroundJob<ScaleFrame> gen_job_;

  CaptureKey capture_key_;
  bool capture_pending_ = false, capture_requested_ = false, capture_was_running_ = false;
  AttentionMap map_;
  bool has_map_ = false;
  std::string capture_error_;
  int capture_serial_ = 0;
  BackgroundJob<AttentionMap> capture_job_;
};

}  // namespace vs::gui
