// The explorer's FlowAR state, beside VarSession: the opened FlowAR model and its KL VAE
// (loaded on a worker), and one generation on a worker that publishes each finished scale
// (its decoded image, per-token magnitudes, the norm statistics of every AR and flownet
// attention call of the conditional row, the AR attention and the selected flownet map)
// plus progress per scale and Euler step. A flownet map not captured by the generation is
// captured on request by running the same generation again up to its scale (same seed,
// same result).
// `active` says the explorer is in FlowAR mode (the last model opened was FlowAR). Only
// the UI thread calls the methods. All model math is core's.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/gui/flowar/flownet_map_capture.h"
#include "app/gui/session/generation_source.h"
#include "app/gui/workers/background_job.h"
#include "core/flowar/flowar_generator.h"
#include "core/flowar/flowar_model.h"
#include "core/flowar/flowar_sampler.h"
#include "core/flowar/kl_vae.h"
#include "core/observe/observer.h"

namespace vs::gui {

struct FlowArParams {
  int class_id = 0;
  uint64_t seed = 0;
  // The model family's defaults (core's default_flowar_request), the same as the CLI's.
  int steps = std::get<gen::FlowArExtra>(flowar::default_flowar_request().extra).steps;
  double cfg = flowar::default_flowar_request().cfg;
  double guidance = std::get<gen::FlowArExtra>(flowar::default_flowar_request().extra).guidance;
  std::string variant = "exact";  // attention variant spec of both AR and flownet
};

// The sampler options of these parameters (steps, cfg, guidance, seed).
inline flowar::FlowArSamplingOptions sampling_options(const FlowArParams& p) {
  flowar::FlowArSamplingOptions options;
  options.num_steps = p.steps;
  options.cfg = p.cfg;
  options.guidance = p.guidance;
  options.seed = p.seed;
  return options;
}

// One finished scale (batch row 0).
struct FlowArFrame {
  int scale = 0, side = 0, num_scales = 0;
  std::vector<float> token_norms;  // side² ‖token‖₂, row-major (the strip's token grid)
  int image_side = 0;
  std::vector<uint8_t> rgb;        // image_side² × 3: the scale's tokens decoded
  double ms = 0;                   // wall time of the scale (AR + Euler steps + decode)
  // Per-head norms of every attention call of this scale, conditional row only: AR calls
  // have euler_step -1; flownet calls carry their Euler step (1-based) in `euler_step`.
  std::vector<observe::HeadStats> ar_stats;
  std::vector<observe::HeadStats> flow_stats;
  std::vector<int> flow_euler_step;  // parallel to flow_stats
  // The AR attention probabilities of row 0, per layer (heads, side², keys) with keys =
  // every token of scales 0..scale (block-causal); empty where the scale's maps of all
  // layers would exceed kArCaptureBytes (large models).
  int ar_heads = 0;
  int64_t ar_keys = 0;
  std::vector<std::vector<float>> ar_probs;
  // The flownet map selected when the generation started (FlowArSession::flownet_euler_step,
  // flownet_layer) at this scale; empty probs where it would exceed kFlownetCaptureBytes.
  FlownetMap flownet_map;
};

constexpr int64_t kArCaptureBytes = int64_t(64) << 20;
constexpr int64_t kFlownetCaptureBytes = int64_t(64) << 20;  // one map (all heads)
constexpr int64_t kFlownetStoreBytes = int64_t(256) << 20;   // maps captured on request, kept

struct LoadedFlowAr {
  std::shared_ptr<const flowar::FlowArModel> model;
  std::shared_ptr<const flowar::KlVae> vae;
  std::shared_ptr<const gen::Generator> generator;  // model and VAE behind the Generator interface
  std::vector<std::string> class_names;  // metadata "class_names"; may be empty
};


// The request of these parameters (one image of class_id).
gen::SamplingRequest sampling_request(const FlowArParams& params);

class FlowArSession : public GenerationSource {
 public:
  bool active = false;  // FlowAR mode: the panels show this session instead of VarSession's
  int selected_scale = -1;  // the strip's and gauges' scale; -1: the last finished one
  // A file is being read to learn its family: the family panels wait (a VAR panel would
  // otherwise see an idle VarSession and drop work queued for the coming model).
  bool detecting = false;
  // The flownet map the inspector shows at the selected scale: Euler step (1-based; ≤ 0:
  // the last) and site layer (block b: b for self-, flow_depth + b for cross-attention).
  // A generation captures it at every scale.
  int flownet_euler_step = 0, flownet_layer = 0;

  explicit FlowArSession(std::function<void()> wake = {});

  // Starts loading on a worker; an empty vae_path tries "<stem>-vae.<ext>" beside it.
  void open(const std::string& model_path, const std::string& vae_path);
  void update();  // UI thread, every frame
  bool busy() const override;

  const flowar::FlowArModel* model() const { return loaded_.model.get(); }
  // The open model, VAE and class names for a worker that may outlive the next open
  // (the objects are shared, not copied); null when no model is open.
  std::shared_ptr<const LoadedFlowAr> shared_loaded() const {
    return loaded_.model ? std::make_shared<const LoadedFlowAr>(loaded_) : nullptr;
  }
  bool loading() const override { return load_job_.running() || load_pending_; }
  const std::string& load_error() const { return load_error_; }
  const std::string& model_path() const override { return model_path_; }
  const std::string& vae_path() const { return vae_path_; }
  std::string class_label(int class_id) const;

  void generate(const FlowArParams& params);
  void generate_after_load(const FlowArParams& params) { pending_ = params, generate_pending_ = true; }
  void cancel();
  bool generating() const override { return gen_job_.running(); }
  const std::vector<FlowArFrame>& frames() const { return frames_; }
  const FlowArParams& frames_params() const { return frames_params_; }
  const std::string& generation_error() const { return gen_error_; }
  bool generation_cancelled() const { return gen_cancelled_; }
  int generation_serial() const override { return generation_serial_; }

  // GenerationSource.
  std::shared_ptr<const gen::Generator> generator() const override { return loaded_.generator; }
  gen::SamplingRequest shown_request() const override { return sampling_request(frames_params_); }
  bool run_complete() const override;
  // While generating: the scale being sampled (0-based) and Euler step done / steps.
  int progress_scale() const;
  int progress_step() const;
  int progress_steps() const;
  int selected() const;  // selected_scale resolved against frames(); -1 when none

  // Euler steps per scale of the shown run (flowar::time_grid of its steps).
  int euler_steps() const;
  // The key of flownet_euler_step / flownet_layer at `scale`, the step resolved.
  FlownetMapKey flownet_key(int scale) const;
  // The captured map of the shown run, or nullptr.
  const FlownetMap* flownet_map(const FlownetMapKey& key) const;
  // Captures `key` on a worker (after any running generation) unless it is there or
  // already being captured; the run's earlier maps stay, within kFlownetStoreBytes.
  void request_flownet_map(const FlownetMapKey& key);
  bool capturing_flownet() const { return replay_job_.running() || replay_pending_; }
  double flownet_capture_fraction() const { return replay_job_.progress().fraction(); }
  const std::string& flownet_error() const { return replay_error_; }

 private:
  void start_generation();
  void start_replay();
  void update_replay();

  LoadedFlowAr loaded_;
  std::string model_path_, vae_path_, load_error_;
  bool load_pending_ = false;
  BackgroundJob<LoadedFlowAr> load_job_;

  FlowArParams pending_, frames_params_;
  bool generate_pending_ = false;
  std::vector<FlowArFrame> frames_;
  std::string gen_error_;
  bool gen_cancelled_ = false, gen_was_running_ = false;
  int generation_serial_ = 0;
  BackgroundJob<FlowArFrame> gen_job_;

  std::vector<FlownetMap> flownet_maps_;  // captured on request for the shown run, oldest first
  FlownetMapKey replay_key_;
  bool replay_pending_ = false;
  int replay_serial_ = -1;  // generation_serial_ the running replay belongs to
  std::string replay_error_;
  BackgroundJob<FlownetMap> replay_job_;
};

}  // namespace vs::gui
