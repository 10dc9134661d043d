// FlowAR's sampler (sample_tokens + euler_sampler, flowar.md §7): scale by scale, the AR
// transformer with its KV cache produces the condition z, then the flownet integrates
// the velocity ODE from noise (t = 1) to the scale's latent tokens (t = 0) with Euler
// steps on a float64 state, with the per-scale linear CFG ramp w_k and the guidance
// window t ≤ guidance. The sample feeds the next scale as area(bicubic-to-full(sample)).
//
// Unlike the reference, cfg = 1 (no null rows at all) and unconditional labels work.
// Only the conditional rows' state is tracked: the unconditional rows never influence
// them (§7 step 6), so the flownet runs on the null condition on guided steps only.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "core/flowar/ar_transformer.h"
#include "core/flowar/flowar_model.h"
#include "core/flowar/flownet.h"
#include "core/flowar/kl_vae.h"
#include "core/tensor.h"

namespace vs::flowar {

struct FlowArSamplingOptions {
  int num_steps = 25;     // 50: uniform grid; other n ≥ 2: the two-piece grid (time_grid.h)
  double cfg = 4.3;       // guidance at the last scale; ≤ 1: no guidance, no null rows
  double guidance = 0.9;  // steps with t_cur ≤ guidance are guided
  uint64_t seed = 0;      // image b draws its noise from GaussianNoise(seed, b), scale by scale
  // Prefix generation: scales k < keep_scales take prefix[k] (B, s_k², 16) — the form of
  // FlowArSampleResult::samples, or latent_pyramid.h's pyramid of an image — as their sample
  // instead of integrating it; their AR step still runs (it fills the KV cache) and their
  // noise is still drawn, so a prefix equal to a run's own samples reproduces that run.
  std::vector<Tensor> prefix;
  int keep_scales = 0;  // 0 ≤ keep_scales ≤ min(prefix.size(), num_scales)
  // Acceleration (acceleration.md §7): Euler steps of each scale (empty: num_steps on
  // every scale), and cfg-drop — from scale uncond_from on, neither the AR transformer
  // nor the flownet runs the null rows (their KV cache half stops growing; unguided).
  std::vector<int> steps_per_scale;
  int uncond_from = std::numeric_limits<int>::max();
  // Zero-shot editing (gen::EditRequest, VARScope's extension of VAR's rule): per scale,
  // s² keep flags and the image's latent tokens (B, s², 16); after a scale's flow the kept
  // positions take the image's tokens, before the scale is reported and feeds the next.
  std::vector<std::vector<uint8_t>> edit_keep;
  std::vector<Tensor> edit_latents;
};

// What the per-scale callback receives once scale `scale` is sampled.
struct FlowArScaleReport {
  int scale = 0, side = 0, num_scales = 0;
  const Tensor& tokens;     // (B, s², 16) the scale's sampled latent tokens
  const Tensor& condition;  // (B, s², C) AR output z of the conditional rows
  // (B, 3, H, W) raw decoder output (not clamped) of the scale's tokens bicubically
  // resampled to the full latent side; only with a VAE and decode_each_scale.
  const Tensor* image = nullptr;
};

struct FlowArSamplerHooks {
  const std::atomic<bool>* cancel = nullptr;  // checked before every scale and Euler step
  std::function<bool(const FlowArScaleReport&)> on_scale;  // return false to stop
  std::function<void(int scale, int step, int steps)> on_step;  // progress, after each step
  bool decode_each_scale = false;  // costly: one VAE decode per scale (needs a VAE)
  bool previews_at_scale_side = false;  // decode each scale's tokens at their own side, not resampled to the full
  int preview_max_side = 0;             // > 0: and at most at this side (not the last scale)
  // Called with each scale's initial noise (B, s², 16) (conditional rows); may overwrite
  // it (parity replay injects the reference's noise here).
  std::function<void(int scale, Tensor& noise)> inject_noise;
  // Called after scale `scale` is reported with a copy of its sample (B, s², 16); what it
  // leaves there feeds the next scale (parity tests substitute the reference's sample to
  // measure each scale without the previous scales' rounding, which the stress fixtures
  // amplify). result.samples keeps the sampled value.
  std::function<void(int scale, Tensor& next_source)> inject_sample;
  ArContext ar_context;      // attention variant / observer of the AR transformer
  FlownetContext flow_context;  // attention variant / observer of the flownet
};

struct FlowArSampleResult {
  std::vector<Tensor> samples;     // per finished scale: (B, s², 16)
  std::vector<Tensor> conditions;  // per finished scale: (B, s², C), conditional rows
  Tensor latent;                   // (B, 16, n, n) final tokens channel-first (not ÷ 0.2325)
  Tensor image;                    // (B, 3, H, W) raw decoder output; empty without a VAE
  bool cancelled = false;
  int scales_done = 0;
};

// Per-scale CFG weight w_k = 1 + (cfg − 1)·k/(K − 1) (flowar.md §7 step 2).
double cfg_weight(double cfg, int scale, int num_scales);

// The next scale's input tokens: area(bicubic(tokens → full side) → side) (flowar.md §3);
// tokens (B, s², c) row-major -> (B, side², c).
Tensor next_scale_tokens(const Tensor& tokens, int full_side, int side);

// labels (B): 0..num_classes−1, negative = unconditional. With a `vae`, the final latent
// is decoded (decode_tokens: ÷ 0.2325, then the decoder) into result.image. Throws
// vs::Error on bad inputs.
FlowArSampleResult sample_flowar(const FlowArModel& model, const std::vector<int64_t>& labels,
                                 const FlowArSamplingOptions& options,
                                 const FlowArSamplerHooks& hooks = {}, const KlVae* vae = nullptr);

}  // namespace vs::flowar
