#include "core/flowar/flowar_sampler.h"

#include <algorithm>
#include <string>

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#define VS_FLOWAR_HAS_MXCSR 1
#endif

#include "core/error.h"
#include "core/flowar/time_grid.h"
#include "core/nn/resample.h"
#include "core/random/rng.h"

namespace vs::flowar {

namespace {

// (B, s², c) row-major tokens <-> (B, c, s, s) maps.
Tensor tokens_to_maps(const Tensor& tokens) {
  const int64_t B = tokens.dim(0), n = tokens.dim(1), c = tokens.dim(2);
  const int64_t s = side_of_tokens(n);
  Tensor maps({B, c, s, s});
  for (int64_t b = 0; b < B; ++b)
    for (int64_t t = 0; t < n; ++t)
      for (int64_t ch = 0; ch < c; ++ch)
        maps.data[(b * c + ch) * n + t] = tokens.data[(b * n + t) * c + ch];
  return maps;
}

Tensor maps_to_tokens(const Tensor& maps) {
  const int64_t B = maps.dim(0), c = maps.dim(1), n = maps.dim(2) * maps.dim(3);
  Tensor tokens({B, n, c});
  for (int64_t b = 0; b < B; ++b)
    for (int64_t t = 0; t < n; ++t)
      for (int64_t ch = 0; ch < c; ++ch)
        tokens.data[(b * n + t) * c + ch] = maps.data[(b * c + ch) * n + t];
  return tokens;
}

// Rows [begin, begin + count) of a (R, n, C) tensor.
Tensor row_slice(const Tensor& x, int64_t begin, int64_t count) {
  const int64_t per_row = x.numel() / x.dim(0);
  Tensor out({count, x.dim(1), x.dim(2)});
  std::copy(x.data.begin() + begin * per_row, x.data.begin() + (begin + count) * per_row,
            out.data.begin());
  return out;
}

// Flush-to-zero and denormals-are-zero on the calling thread and every OpenMP thread for
// the sampler's lifetime (the issue measured FlowAR-L sampling 4x faster with them);
// each thread's previous mode is restored at the end.
class FlushDenormals {
 public:
  FlushDenormals() { for_all_threads(true); }
  ~FlushDenormals() { for_all_threads(false); }
  FlushDenormals(const FlushDenormals&) = delete;
  FlushDenormals& operator=(const FlushDenormals&) = delete;

 private:
  static void set(bool on, unsigned& saved) {
#ifdef VS_FLOWAR_HAS_MXCSR
    constexpr unsigned kFtzDaz = 0x8040;  // MXCSR bits 15 (FTZ) and 6 (DAZ)
    if (on) {
      saved = _mm_getcsr();
      _mm_setcsr(saved | kFtzDaz);
    } else {
      _mm_setcsr(saved);
    }
#else
    (void)on;
    (void)saved;
#endif
  }
  static void for_all_threads(bool on) {
    static thread_local unsigned saved = 0;
    set(on, saved);
#pragma omp parallel
    {
      set(on, saved);
    }
  }
};

bool cancelled(const FlowArSamplerHooks& hooks) {
  return hooks.cancel && hooks.cancel->load(std::memory_order_relaxed);
}

// Before any work: the kept scales' samples must be (B, s_k², T).
void check_prefix(const FlowArSamplingOptions& options, const FlowArConfig& config, int64_t B) {
  const int keep = options.keep_scales, K = config.num_scales();
  if (keep < 0 || keep > K || keep > int(options.prefix.size()))
    throw Error("FlowAR sampler: keep_scales " + std::to_string(keep) + " needs 0 ≤ k ≤ " + std::to_string(K) +
                " scales and as many prefix samples (" + std::to_string(options.prefix.size()) + " given)");
  for (int k = 0; k < keep; ++k) {
    const Shape want{B, config.scale_tokens(k), int64_t(config.latent_channels)};
    if (options.prefix[k].shape != want)
      throw Error("FlowAR sampler: prefix sample of scale " + std::to_string(k) + " has shape " +
                  options.prefix[k].shape_str() + ", expected " + shape_to_string(want));
  }
}

// Edit: the positions `keep` marks take the image's latent tokens (both (B, n, T)).
void keep_image_tokens(const std::vector<uint8_t>& keep, const Tensor& image, Tensor& sample) {
  const int64_t B = sample.dim(0), n = sample.dim(1), T = sample.dim(2);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t t = 0; t < n; ++t)
      if (keep[t])
        std::copy(image.ptr() + (b * n + t) * T, image.ptr() + (b * n + t + 1) * T, sample.ptr() + (b * n + t) * T);
}

// Before any work: the edit has every scale's mask and (B, s², T) image tokens.
void check_edit(const FlowArSamplingOptions& options, const FlowArConfig& config, int64_t B) {
  if (options.edit_keep.empty()) return;
  const int K = config.num_scales();
  if (int(options.edit_keep.size()) != K || int(options.edit_latents.size()) != K)
    throw Error("FlowAR sampler: the edit has " + std::to_string(options.edit_keep.size()) + " masks and " +
                std::to_string(options.edit_latents.size()) + " latent maps for " + std::to_string(K) + " scales");
  for (int k = 0; k < K; ++k) {
    const Shape want{B, config.scale_tokens(k), int64_t(config.latent_channels)};
    if (int64_t(options.edit_keep[k].size()) != config.scale_tokens(k) || options.edit_latents[k].shape != want)
      throw Error("FlowAR sampler: the edit's scale " + std::to_string(k) + " does not have s² flags and " +
                  shape_to_string(want) + " tokens");
  }
}

}  // namespace

double cfg_weight(double cfg, int scale, int num_scales) {
  if (num_scales <= 1) return cfg;
  return 1.0 + (cfg - 1.0) * double(scale) / double(num_scales - 1);
}

Tensor next_scale_tokens(const Tensor& tokens, int full_side, int side) {
  const Tensor full = nn::interpolate_bicubic(tokens_to_maps(tokens), full_side, full_side);
  return maps_to_tokens(nn::interpolate_area(full, side, side));
}

FlowArSampleResult sample_flowar(const FlowArModel& model, const std::vector<int64_t>& labels,
                                 const FlowArSamplingOptions& options,
                                 const FlowArSamplerHooks& hooks, const KlVae* vae) {
  const FlowArConfig& config = model.config;
  const int64_t B = static_cast<int64_t>(labels.size());
  if (B == 0) throw Error("FlowAR sampler: no labels (batch of 0 images)");
  const FlushDenormals flush_denormals;
  const int K = config.num_scales();
  const int64_t T = config.latent_channels;
  if (!options.steps_per_scale.empty() && int(options.steps_per_scale.size()) != K)
    throw Error("FlowAR sampler: " + std::to_string(options.steps_per_scale.size()) + " step counts for " +
                std::to_string(K) + " scales");
  std::vector<std::vector<double>> grids;  // per scale
  for (int k = 0; k < K; ++k)
    grids.push_back(time_grid(options.steps_per_scale.empty() ? options.num_steps : options.steps_per_scale[k]));

  // With guidance the AR runs 2B rows: conditional, then the null class (§7 step 1).
  const bool use_cfg = options.cfg > 1.0;
  std::vector<int64_t> ar_labels = labels;
  if (use_cfg) ar_labels.insert(ar_labels.end(), labels.size(), config.null_class());
  const int64_t R = static_cast<int64_t>(ar_labels.size());
  const ArConditioning conditioning = model.ar.condition(ar_labels);
  // From uncond_from on, the conditional rows alone (cfg-drop).
  const ArConditioning conditional = use_cfg && options.uncond_from < K ? conditioning.first_rows(B) : ArConditioning{};
  auto null_rows_at = [&](int k) { return use_cfg && k < options.uncond_from; };
  ArCache cache = model.ar.make_cache(R);

  std::vector<random::GaussianNoise> noise_streams;
  for (int64_t b = 0; b < B; ++b) noise_streams.emplace_back(options.seed, uint64_t(b));

  FlowArSampleResult result;
  Tensor next_source;  // the sample the next scale's AR input is built from
  check_prefix(options, config, B);
  check_edit(options, config, B);
  Tensor last_preview;  // the last scale's preview is the final image: decoded once
  // Records scale k's sample and AR condition, reports them; false: stop (cancelled).
  auto finish_scale = [&](int k, Tensor sample, const Tensor& z) {
    result.samples.push_back(std::move(sample));
    result.conditions.push_back(row_slice(z, 0, B));
    result.scales_done = k + 1;
    Tensor preview;
    if (vae && hooks.decode_each_scale && hooks.on_scale) {
      const Tensor maps = tokens_to_maps(result.samples.back());
      const int side = config.scales[k];
      const bool capped = hooks.previews_at_scale_side && hooks.preview_max_side > 0 && side > hooks.preview_max_side &&
                          side < config.full_side();
      preview = capped ? vae->decode_tokens(nn::interpolate_area(maps, hooks.preview_max_side, hooks.preview_max_side))
                : side == config.full_side() || hooks.previews_at_scale_side
                    ? vae->decode_tokens(maps)
                    : vae->decode_tokens(nn::interpolate_bicubic(maps, config.full_side(), config.full_side()));
      if (k + 1 == K) last_preview = preview;
    }
    if (hooks.on_scale && !hooks.on_scale({k, config.scales[k], K, result.samples.back(),
                                           result.conditions.back(), preview.numel() ? &preview : nullptr})) {
      result.cancelled = k + 1 < K;
      if (result.cancelled) return false;
    }
    next_source = result.samples.back();
    return true;
  };
  for (int k = 0; k < K; ++k) {
    if (cancelled(hooks)) {
      result.cancelled = true;
      return result;
    }
    const int side = config.scales[k];
    const int64_t n = config.scale_tokens(k);
    const ArConditioning& rows = null_rows_at(k) || !use_cfg ? conditioning : conditional;
    const Tensor ar_input =
        k == 0 ? model.ar.first_scale_input(rows)
               : model.ar.scale_input(next_scale_tokens(next_source, config.full_side(), side),
                                      null_rows_at(k) ? 2 : 1);
    const Tensor z = model.ar.forward_scale(ar_input, rows, cache, k, hooks.ar_context);
    if (k < options.keep_scales) {  // a kept scale: its given sample instead of the flow
      Tensor skipped_noise({B, n, T});  // drawn so later scales see the noise of a full run
      for (int64_t b = 0; b < B; ++b) noise_streams[b].fill(skipped_noise.ptr() + b * n * T, n * T);
      if (!finish_scale(k, options.prefix[k], z)) return result;
      continue;
    }

    const double w = cfg_weight(options.cfg, k, K);
    const bool guided_scale = null_rows_at(k) && w > 1.0;
    const std::vector<double>& grid = grids[k];
    const int steps = static_cast<int>(grid.size()) - 1;
    // Guided steps run the conditional and null rows as one batch of 2B (one pass over the
    // weights instead of two); unguided steps run the conditional rows alone.
    const FlownetCondition cond = model.flownet.prepare(row_slice(z, 0, B), k, 0, guided_scale ? 2 * B : B);
    FlownetCondition both;
    if (guided_scale) both = model.flownet.prepare(row_slice(z, 0, 2 * B), k, 0, 2 * B);

    Tensor noise({B, n, T});
    for (int64_t b = 0; b < B; ++b) noise_streams[b].fill(noise.ptr() + b * n * T, n * T);
    if (hooks.inject_noise) {
      hooks.inject_noise(k, noise);
      if (noise.shape != Shape{B, n, T})
        throw Error("FlowAR sampler: injected noise of scale " + std::to_string(k) + " has shape " +
                    noise.shape_str() + ", expected " + shape_to_string({B, n, T}));
    }

    // Euler on a float64 state; the network sees float32 (flowar.md §7 steps 5-6, §9).
    std::vector<double> state(noise.data.begin(), noise.data.end());
    Tensor x({B, n, T});
    for (int i = 0; i < steps; ++i) {
      if (cancelled(hooks)) {
        result.cancelled = true;
        return result;
      }
      const double t_cur = grid[i], t_next = grid[i + 1];
      for (size_t j = 0; j < state.size(); ++j) x.data[j] = static_cast<float>(state[j]);
      const int64_t t_int = time_integer(t_cur);
      FlownetContext step_context = hooks.flow_context;
      step_context.euler_step = i;
      Tensor v;
      if (guided_scale && t_cur >= 0.0 && t_cur <= options.guidance) {
        Tensor x2({2 * B, n, T});  // [x; x]: both halves start from the conditional state
        std::copy(x.data.begin(), x.data.end(), x2.data.begin());
        std::copy(x.data.begin(), x.data.end(), x2.data.begin() + x.numel());
        const Tensor v2 = model.flownet.velocity(x2, t_int, both, step_context);
        v = Tensor({B, n, T});
        const float wf = static_cast<float>(w);
        const float* v_cond = v2.ptr();
        const float* v_uncond = v2.ptr() + v.numel();
        for (int64_t j = 0; j < v.numel(); ++j) v.data[j] = v_uncond[j] + wf * (v_cond[j] - v_uncond[j]);
      } else {
        v = model.flownet.velocity(x, t_int, cond, step_context);
      }
      const double dt = t_next - t_cur;
      for (size_t j = 0; j < state.size(); ++j) state[j] += dt * double(v.data[j]);
      if (hooks.on_step) hooks.on_step(k, i + 1, steps);
    }

    Tensor sample({B, n, T});
    for (size_t j = 0; j < state.size(); ++j) sample.data[j] = static_cast<float>(state[j]);
    if (!options.edit_keep.empty()) keep_image_tokens(options.edit_keep[k], options.edit_latents[k], sample);
    if (!finish_scale(k, std::move(sample), z)) return result;
    if (hooks.inject_sample) {
      hooks.inject_sample(k, next_source);
      if (next_source.shape != result.samples.back().shape)
        throw Error("FlowAR sampler: injected sample of scale " + std::to_string(k) + " has shape " +
                    next_source.shape_str() + ", expected " + result.samples.back().shape_str());
    }
  }
  result.latent = tokens_to_maps(result.samples.back());
  if (vae) result.image = last_preview.numel() ? std::move(last_preview) : vae->decode_tokens(result.latent);
  return result;
}

}  // namespace vs::flowar
