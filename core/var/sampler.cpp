#include "core/var/sampler.h"

#include <algorithm>
#include <cstring>

#include "core/attention/pyramid.h"
#include "core/error.h"
#include "core/nn/denormals.h"
#include "core/nn/resample.h"
#include "core/parallel.h"
#include "core/random/rng.h"
#include "core/var/token_sampling.h"

namespace vs::var {

namespace {

void check_models(const VarTransformer& model, const Vqvae& vae) {
  const VarConfig& cfg = model.config();
  const Quantizer& q = vae.quantize;
  if (q.patch_nums != cfg.patch_nums || q.vocab != cfg.vocab || q.cvae != cfg.cvae)
    throw Error("VAR sampler: the VAE's quantizer (V " + std::to_string(q.vocab) + ", Cvae " +
                std::to_string(q.cvae) + ", patch_nums " +
                attention::pyramid_to_string(q.patch_nums) + ") does not fit the transformer (" +
                cfg.describe() + ")");
}

}  // namespace

std::vector<int64_t> random_labels(int count, int num_classes, uint64_t seed) {
  random::Rng rng(seed, uint64_t(1) << 63);
  std::vector<int64_t> labels(count);
  for (int64_t& label : labels)
    label = std::min<int64_t>(num_classes - 1, int64_t(rng.uniform() * num_classes));
  return labels;
}

SampleResult autoregressive_infer_cfg(const VarTransformer& model, const Vqvae& vae,
                                      const std::vector<int64_t>& labels,
                                      const SamplingOptions& options, const SamplerHooks& hooks,
                                      const std::vector<std::vector<int64_t>>& prefix_ids) {
  check_models(model, vae);
  // Every caller (CLI, explorer workers) samples and decodes without denormal stalls.
  nn::flush_denormals_on_all_threads();
  const VarConfig& cfg = model.config();
  const Quantizer& quantizer = vae.quantize;
  const int64_t B = static_cast<int64_t>(labels.size()), V = cfg.vocab, Cvae = cfg.cvae;
  const int K = cfg.num_scales();
  if (B < 1) throw Error("VAR sampler: no labels given (batch of 0 images)");
  if (static_cast<int>(prefix_ids.size()) > K)
    throw Error("VAR sampler: prefix has " + std::to_string(prefix_ids.size()) +
                " token maps but the model has " + std::to_string(K) + " scales");
  const bool editing = !options.edit_keep.empty();
  if (editing && (int(options.edit_keep.size()) != K || int(options.edit_ids.size()) != K))
    throw Error("VAR sampler: the edit has " + std::to_string(options.edit_keep.size()) + " masks and " +
                std::to_string(options.edit_ids.size()) + " id maps for " + std::to_string(K) + " scales");
  for (int k = 0; editing && k < K; ++k)
    if (int64_t(options.edit_keep[k].size()) != cfg.scale_tokens(k) ||
        int64_t(options.edit_ids[k].size()) != B * cfg.scale_tokens(k))
      throw Error("VAR sampler: the edit's scale " + std::to_string(k) + " does not have pn² flags and B·pn² ids");
  for (size_t k = 0; k < prefix_ids.size(); ++k)
    if (static_cast<int64_t>(prefix_ids[k].size()) != B * cfg.scale_tokens(int(k)))
      throw Error("VAR sampler: prefix token map " + std::to_string(k) + " has " +
                  std::to_string(prefix_ids[k].size()) + " ids, expected " +
                  std::to_string(B * cfg.scale_tokens(int(k))) + " (B x pn^2)");

  // CFG batch: conditional rows, then the same count of null-class rows (var.md §4.2).
  std::vector<int64_t> cfg_labels = labels;
  cfg_labels.insert(cfg_labels.end(), B, -1);
  const Conditioning conditioning = model.condition(cfg_labels);
  // From uncond_from on, the conditional rows alone (cfg-drop).
  const Conditioning conditional = options.uncond_from < K ? conditioning.first_rows(B) : Conditioning{};
  auto guided_at = [&](int si) { return si < options.uncond_from; };
  auto conditioning_at = [&](int si) -> const Conditioning& { return guided_at(si) ? conditioning : conditional; };
  nn::KvCache cache = model.make_cache(2 * B);
  std::vector<random::Rng> rngs;
  for (int64_t b = 0; b < B; ++b) rngs.emplace_back(options.seed, uint64_t(b));

  SampleResult result;
  result.f_hat = quantizer.zero_fhat(static_cast<int>(B));
  Tensor x = model.first_scale_input(conditioning_at(0));
  for (int si = 0; si < K; ++si) {
    if (hooks.cancel && hooks.cancel->load()) {
      result.cancelled = true;
      break;
    }
    const int side = cfg.patch_nums[si];
    const int64_t n = cfg.scale_tokens(si);
    const double ratio = K > 1 ? double(si) / double(K - 1) : 0.0;
    const Conditioning& rows = conditioning_at(si);
    const Tensor hidden = model.forward_step(x, rows, cache, si, hooks.context);
    const Tensor raw = model.logits(hidden, rows, hooks.context, si);  // (2B, n, V); B after cfg-drop
    Tensor guided({B, n, V});
    if (guided_at(si))
      cfg_mix(raw.ptr(), raw.ptr() + B * n * V, guided.ptr(), B * n * V, cfg_ramp(options.cfg, si, K));
    else
      std::copy(raw.data.begin(), raw.data.begin() + B * n * V, guided.data.begin());
    if (hooks.on_logits) hooks.on_logits(si, raw, guided);

    // Top-k then top-p, in place (var.md §4.3; more_smooth reads the masked logits).
    parallel_for("VAR sampler", B * n, B * n > 8, 4, [&](int64_t row) {
      mask_top_k(guided.ptr() + row * V, V, options.top_k);
      mask_top_p(guided.ptr() + row * V, V, options.top_p);
    });
    // A prefix scale draws as a sampled one and discards the draws, so later scales see
    // the random numbers of a full run: a run's own tokens as prefix reproduce that run.
    const bool given = si < static_cast<int>(prefix_ids.size());
    std::vector<int64_t> ids(B * n);
    for (int64_t b = 0; b < B; ++b)
      for (int64_t t = 0; t < n; ++t)
        ids[b * n + t] = draw_from_logits(guided.ptr() + (b * n + t) * V, V, rngs[b].uniform());
    if (!given && hooks.inject_ids) {
      hooks.inject_ids(si, ids);
      if (static_cast<int64_t>(ids.size()) != B * n)
        throw Error("VAR sampler: injected ids of scale " + std::to_string(si) + " are " +
                    std::to_string(ids.size()) + ", expected " + std::to_string(B * n));
    }
    Tensor h;  // (B, Cvae, pn, pn)
    if (options.more_smooth) {
      const double tau = more_smooth_tau(ratio);
      h = Tensor({B, Cvae, side, side});
      std::vector<float> embedding(Cvae);
      for (int64_t b = 0; b < B; ++b)
        for (int64_t t = 0; t < n; ++t) {
          gumbel_soft_embedding(guided.ptr() + (b * n + t) * V, V, ratio, tau, rngs[b],
                                quantizer.embedding.ptr(), Cvae, embedding.data());
          for (int64_t c = 0; c < Cvae; ++c) h.data[(b * Cvae + c) * n + t] = embedding[c];
        }
    }
    if (given) ids = prefix_ids[si];
    if (!given && editing) {  // the image's tokens where the mask keeps them (the demo's replace_embedding)
      const std::vector<uint8_t>& keep = options.edit_keep[si];
      const std::vector<int64_t>& image_ids = options.edit_ids[si];
      for (int64_t b = 0; b < B; ++b)
        for (int64_t t = 0; t < n; ++t) {
          if (!keep[t]) continue;
          const int64_t id = image_ids[b * n + t];
          ids[b * n + t] = id;
          if (options.more_smooth)
            for (int64_t c = 0; c < Cvae; ++c) h.data[(b * Cvae + c) * n + t] = quantizer.embedding.data[id * Cvae + c];
        }
    }
    if (given || !options.more_smooth) h = quantizer.embed(ids, static_cast<int>(B), side);
    quantizer.add_scale(result.f_hat, si, h);
    result.ids.push_back(ids);
    result.scales_done = si + 1;

    if (hooks.on_scale) {
      Tensor image;
      if (hooks.decode_each_scale) {
        const int64_t full = result.f_hat.dim(3);
        const int preview = hooks.preview_max_side > 0 ? std::min(side, hooks.preview_max_side) : side;
        image = hooks.previews_at_scale_side && side < full
                    ? vae.decode_fhat_01(nn::interpolate_area(result.f_hat, preview, preview))
                    : vae.decode_fhat_01(result.f_hat);
      }
      const ScaleReport report{si, side, K, result.ids.back(), result.f_hat,
                               hooks.decode_each_scale ? &image : nullptr};
      if (!hooks.on_scale(report)) {
        result.cancelled = si + 1 < K;
        if (result.cancelled) break;
      }
    }
    if (si + 1 < K) {
      const Tensor next = quantizer.next_input_tokens(result.f_hat, si + 1);  // (B, pn², Cvae)
      x = model.scale_input(next, si + 1, guided_at(si + 1) ? 2 : 1);
    }
  }
  if (!result.cancelled && options.decode_final) result.image01 = vae.decode_fhat_01(result.f_hat);
  return result;
}

}  // namespace vs::var
