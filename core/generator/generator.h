// One generation pipeline for both families (design/generator.md): a Generator opened
// from a model reference, one SamplingRequest with the common fields and per-family extras
// (the shape of stable-diffusion.cpp's DiffusionParams), one source of defaults per model
// (default_request, like whisper_full_default_params), and one event channel
// (GenerationObserver: scale done, Euler step done, every attention call, timings).
// CLI commands, the explorer and the evaluation drive VAR and FlowAR through this only;
// open_generator is the one place that tells the families apart.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "core/observe/observer.h"
#include "core/tensor.h"
#include "core/weight_precision.h"

namespace vs::io {
struct ModelRef;
}

namespace vs::gen {

enum class Family { kVar, kFlowAr };
inline const char* family_name(Family family) { return family == Family::kVar ? "VAR" : "FlowAR"; }
// The same in lower case, for keys and file fields ("var", "flowar").
inline const char* family_key(Family family) { return family == Family::kVar ? "var" : "flowar"; }

// A transformer whose attention the observer sees.
struct ModuleInfo {
  observe::Module module = observe::Module::kVar;
  int blocks = 0, heads = 0, head_dim = 0;
  bool cross = false;  // each block also has a cross-attention (FlowAR's Block_v2 flownet)
};

struct ModelInfo {
  Family family = Family::kVar;
  std::string name, model_path, vae_path;
  int num_classes = 0;
  std::vector<std::string> class_names;  // from the checkpoint's metadata; may be empty
  std::vector<int> scales;               // token-map side of every scale, coarse to fine
  int image_side = 0;                    // decoded image side in pixels
  std::vector<ModuleInfo> modules;
  int codebook_size = 0;                 // token ids per scale come from [0, codebook_size); 0: latent tokens
  std::string description;               // one line: the architecture's numbers
  WeightPrecision precision = WeightPrecision::kFp32;  // the transformers' Linear weights
  int64_t linear_weight_bytes = 0;       // bytes of those weights as stored (the generator's own count)
  // Estimated floating-point work of one image with CFG, sampling and decode (var.md §7 for
  // VAR); 0 where no formula is written down (FlowAR) or the opener did not estimate it.
  double sample_flops = 0, decode_flops = 0;
  int num_scales() const { return static_cast<int>(scales.size()); }
  // The module's attention numbers; null when the model has no such module.
  const ModuleInfo* module(observe::Module which) const {
    for (const ModuleInfo& m : modules)
      if (m.module == which) return &m;
    return nullptr;
  }
};

// VAR's token sampling (var.md §4).
struct VarExtra {
  int top_k = 900;           // <= 0: off
  double top_p = 0.95;       // <= 0: off
  bool more_smooth = false;  // Gumbel-softmax token embeddings (visual only)
};
// FlowAR's flow matching (flowar.md §7).
struct FlowArExtra {
  int steps = 25;         // Euler steps per scale (time_grid.h)
  double guidance = 0.9;  // steps with t ≤ guidance are guided
};

// One scale's code of a batch: VAR token ids or FlowAR latent tokens.
struct ScaleCode {
  std::vector<int64_t> ids;  // VAR: B·side² ids, batch-major, row-major
  Tensor latent;             // FlowAR: (B, side², latent channels)
  // FastVAR (accel fastvar): per token of image 0, the share of pruned sub-layers that ran
  // it (1: never pruned); empty where the scale was not pruned.
  std::vector<float> kept;
};
using Pyramid = std::vector<ScaleCode>;

// Zero-shot editing (VAR's edit demo; edit_mask.h): after each scale is sampled, the
// positions the keep mask marks take the image's own code — VAR the image's token ids
// (their embeddings go into f_hat and the next scale's input), FlowAR the image's latent
// tokens (VARScope's extension of the rule). The mask is given at the last scale's side
// and resized to every scale (bilinear, > 0.5; scales of ≤ 3 tokens keep everything).
struct EditRequest {
  Pyramid image;            // the image's pyramid (encode): one row for the whole batch, or one per image
  std::vector<float> keep;  // last side² values in row-major order; 1: keep the image, 0: generate
  bool active() const { return !keep.empty(); }
};

struct SamplingRequest {
  std::vector<int64_t> labels{0};  // one class per image; negative: unconditional
  uint64_t seed = 0;               // image b of a batch draws from stream b of the seed
  double cfg = 1.0;                // guidance at the last scale
  std::string attention = "exact";  // attention variant spec (core/attention/registry)
  std::string accel = "none";       // acceleration methods (core/accel/accel_spec.h)
  // Prefix generation: scales k < keep_scales take prefix[k] (a run's own pyramid, or an
  // image's from encode) instead of sampling it.
  Pyramid prefix;
  int keep_scales = 0;
  int stop_after = -1;             // the last scale to sample; -1: every scale
  bool decode_each_scale = false;  // ScaleEvent::image01 at every scale (one decode each)
  // With decode_each_scale: decode scale k at its own token side (an image of side·k/full
  // of the full side; the last scale at full size), not from the full-size latent — about
  // 2.7 full decodes for VAR's 10 scales instead of 10. The explorer's previews.
  bool previews_at_scale_side = false;
  // With previews_at_scale_side: > 0 caps a preview's token side (the last scale excepted),
  // so the large intermediate scales of a big model preview at low cost.
  int preview_max_side = 0;
  bool decode_final = true;        // SampleResult::image01
  EditRequest edit;                // zero-shot editing; inactive by default
  const std::atomic<bool>* cancel = nullptr;  // checked before every scale (and Euler step)
  std::variant<VarExtra, FlowArExtra> extra;
};

// A finished scale, rows of the whole batch.
struct ScaleEvent {
  int scale = 0, side = 0, num_scales = 0;
  const ScaleCode& code;
  const Tensor* image01 = nullptr;  // (B, 3, H, W) in [0, 1]; only with decode_each_scale
  double ms = 0;                    // wall time of the scale, decoding included
};
// A finished Euler step of FlowAR's flow (0-based step of `steps` at `scale`).
struct StepEvent {
  int scale = 0, num_scales = 0, step = 0, steps = 0;
};

// The event channel: attention calls and timings (observe::Observer, with a Site that
// names module, kind, scale, Euler step and block), and scale and step progress.
class GenerationObserver : public observe::Observer {
 public:
  virtual bool on_scale(const ScaleEvent&) { return true; }  // false: stop after this scale
  virtual void on_step(const StepEvent&) {}
};

struct SampleResult {
  Pyramid pyramid;  // every finished scale
  Tensor image01;   // (B, 3, H, W) in [0, 1]; empty when cancelled or not decoded
  bool cancelled = false;
  int scales_done = 0;
};

class Generator {
 public:
  virtual ~Generator() = default;
  virtual const ModelInfo& info() const = 0;
  // The model's sampling defaults — the one source the CLI and the explorer both show.
  virtual SamplingRequest default_request() const = 0;
  // Throws vs::Error on a request that does not fit the model (checked before any work).
  virtual SampleResult sample(const SamplingRequest& request, GenerationObserver* observer = nullptr) const = 0;
  // An image (B, 3, image_side, image_side) in [-1, 1] (io::read_image_square's layout)
  // -> its pyramid, every scale.
  virtual Pyramid encode(const Tensor& image) const = 0;
  // The picture after scale `scale` of a pyramid, (B, 3, H, W) in [0, 1]: VAR decodes
  // f_hat of scales 0..scale, FlowAR the scale's latent resampled to the full side.
  virtual Tensor decode_scale(const Pyramid& pyramid, int scale) const = 0;
};

// Opens the model a reference names (io::resolve_model), with its tokenizer. `scales`
// overrides the scale schedule the checkpoint implies (VAR's patch_nums, FlowAR's scales).
std::unique_ptr<Generator> open_generator(const io::ModelRef& ref, const std::vector<int>& scales = {});
std::unique_ptr<Generator> open_generator(const std::string& name_or_path, const std::string& vae_override = "");

}  // namespace vs::gen
