// VAR's autoregressive_infer_cfg (var.md §4): scale by scale with the KV cache, CFG with
// the linear ramp, top-k then top-p, seeded draws (random/rng.h), optional more_smooth, batch
// generation, cancellation between scales, id injection (parity replay), prefix
// generation (keep the first k token maps), and a per-scale report for progress UIs.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "core/tensor.h"
#include "core/var/var_transformer.h"
#include "core/var/vqvae.h"

namespace vs::var {

struct SamplingOptions {
  double cfg = 1.5;          // guidance at the last scale (ramped linearly from 0)
  int top_k = 900;           // <= 0: off
  double top_p = 0.96;       // <= 0: off
  bool more_smooth = false;  // Gumbel-softmax token embeddings (visual only, var.md §4.3)
  uint64_t seed = 0;         // image b of a batch draws from Rng(seed, b)
  bool decode_final = true;  // decode the final f_hat into SampleResult::image01
  // cfg-drop (acceleration.md §5): from this scale on only the conditional rows run (their
  // half of the KV cache grows, the other half stops) and the logits are unguided.
  int uncond_from = std::numeric_limits<int>::max();
  // Zero-shot editing (gen::EditRequest): per scale, pn² keep flags and the image's B·pn²
  // ids. After a scale's draw (and id injection) the kept positions take the image's ids
  // and their embeddings (also under more_smooth), before f_hat and the next input.
  std::vector<std::vector<uint8_t>> edit_keep;
  std::vector<std::vector<int64_t>> edit_ids;
};

// What the per-scale callback receives after scale `scale` is sampled.
struct ScaleReport {
  int scale = 0;
  int side = 0;                        // pn of this scale
  int num_scales = 0;
  const std::vector<int64_t>& ids;     // (B, pn²) batch-major, row-major tokens
  const Tensor& f_hat;                 // (B, Cvae, n, n) after this scale
  const Tensor* image01 = nullptr;     // (B, 3, H, W) in [0, 1], only if decode_each_scale
};

struct SamplerHooks {
  const std::atomic<bool>* cancel = nullptr;            // checked before every scale
  std::function<bool(const ScaleReport&)> on_scale;     // return false to stop
  bool decode_each_scale = false;                       // costly: one VAE decode per scale
  bool previews_at_scale_side = false;                  // decode f_hat area-resampled to the scale's side
  int preview_max_side = 0;                             // > 0: and at most to this side (not the last scale)
  // Called after the draw with the scale's ids (B·pn²); may overwrite them (parity
  // replay injects the reference's ids here). Under more_smooth the drawn ids are not
  // what f_hat is built from (var.md §4.3), so injection then only changes the report.
  std::function<void(int scale, std::vector<int64_t>& ids)> inject_ids;
  // Raw logits (2B, pn², V) (rows [:B] conditional; B rows from options.uncond_from on)
  // and the CFG mix (B, pn², V) before top-k/top-p, per scale.
  std::function<void(int scale, const Tensor& raw, const Tensor& guided)> on_logits;
  ForwardContext context;  // attention variant and observer for every transformer call
};

struct SampleResult {
  std::vector<std::vector<int64_t>> ids;  // per finished scale: B·pn² ids
  Tensor f_hat;                           // (B, Cvae, n, n)
  Tensor image01;                         // (B, 3, H, W) in [0, 1]; empty if not decoded
  bool cancelled = false;
  int scales_done = 0;
};

// labels (B): 0..num_classes−1, negative = unconditional. `prefix_ids` (optional): the
// first prefix_ids.size() token maps are taken as given (each B·pn²) instead of sampled;
// their random numbers are drawn and discarded, so a run's own ids as prefix reproduce
// the run. Throws vs::Error on mismatched models or inputs.
SampleResult autoregressive_infer_cfg(const VarTransformer& model, const Vqvae& vae,
                                      const std::vector<int64_t>& labels,
                                      const SamplingOptions& options,
                                      const SamplerHooks& hooks = {},
                                      const std::vector<std::vector<int64_t>>& prefix_ids = {});

// B labels drawn uniformly from 0..num_classes−1 with Rng(seed, stream 2⁶³) (the stream
// is apart from the images' streams), like the reference's label_B = None.
std::vector<int64_t> random_labels(int count, int num_classes, uint64_t seed);

}  // namespace vs::var
