#include "core/var/var_generator.h"

#include "core/attention/attention.h"
#include "core/error.h"
#include "core/generator/accel_target.h"
#include "core/edit/edit_mask.h"
#include "core/generator/scale_relay.h"
#include "core/var/sampler.h"
#include "core/var/token_pruning.h"

namespace vs::var {

namespace {

class VarGenerator final : public gen::Generator {
 public:
  VarGenerator(std::shared_ptr<const VarModel> model, gen::ModelInfo info)
      : model_(std::move(model)), info_(std::move(info)) {
    const VarConfig& config = model_->config();
    info_.family = gen::Family::kVar;
    if (info_.name.empty()) info_.name = info_.model_path.empty() ? "VAR" : info_.model_path;
    info_.num_classes = config.num_classes;
    info_.scales = config.patch_nums;
    info_.image_side = model_->image_side();
    info_.modules = {{observe::Module::kVar, config.depth, config.heads, config.head_dim(), false}};
    info_.codebook_size = config.vocab;
    info_.description = config.describe();
    info_.linear_weight_bytes = linear_weight_bytes(model_->transformer.weights());
    info_.precision = model_->transformer.weights().head_weight.precision();
  }

  const gen::ModelInfo& info() const override { return info_; }

  gen::SamplingRequest default_request() const override { return default_var_request(); }

  gen::SampleResult sample(const gen::SamplingRequest& request, gen::GenerationObserver* observer) const override {
    if (!std::holds_alternative<gen::VarExtra>(request.extra))
      throw Error(info_.name + ": a FlowAR sampling request was given to a VAR model");
    const gen::VarExtra& extra = std::get<gen::VarExtra>(request.extra);
    const int K = info_.num_scales();
    if (request.keep_scales < 0 || request.keep_scales > K || request.keep_scales > int(request.prefix.size()))
      throw Error("VAR: keep_scales " + std::to_string(request.keep_scales) + " needs 0 ≤ k ≤ " + std::to_string(K) +
                  " and as many prefix scales (" + std::to_string(request.prefix.size()) + " given)");
    const std::unique_ptr<attention::Variant> variant = attention::make_variant(request.attention);
    const accel::AccelPlan plan = gen::accel_plan(info_, request);
    // FastVAR drops keys from the cache; a window is defined over every scale's keys.
    if (plan.prunes() && variant->spec().rfind("window", 0) == 0)
      throw Error("VAR: " + variant->spec() + " needs every cached key, and fastvar drops some; run one of the two");
    std::unique_ptr<FastVarState> fastvar;
    if (plan.prunes())
      fastvar = std::make_unique<FastVarState>(model_->config().depth, info_.scales, plan.fastvar_cache_scale,
                                               plan.prune_ratio);

    SamplingOptions options;
    options.cfg = request.cfg;
    options.top_k = extra.top_k;
    options.top_p = extra.top_p;
    options.more_smooth = extra.more_smooth;
    options.seed = request.seed;
    options.decode_final = request.decode_final;
    options.uncond_from = plan.uncond_from;
    std::vector<std::vector<int64_t>> prefix_ids;
    const int64_t vocab = model_->config().vocab;
    for (int k = 0; k < request.keep_scales; ++k) {
      for (int64_t id : request.prefix[k].ids)
        if (id < 0 || id >= vocab)
          throw Error("VAR: prefix scale " + std::to_string(k) + " holds token id " + std::to_string(id) +
                      ", outside the vocabulary [0, " + std::to_string(vocab) + ")");
      prefix_ids.push_back(request.prefix[k].ids);
    }
    if (request.edit.active()) add_edit(request.edit, int64_t(request.labels.size()), options);

    SamplerHooks hooks;
    hooks.cancel = request.cancel;
    hooks.decode_each_scale = request.decode_each_scale;
    hooks.previews_at_scale_side = request.previews_at_scale_side;
    hooks.preview_max_side = request.preview_max_side;
    hooks.context.attention = variant.get();
    hooks.context.observer = observer;
    hooks.context.fastvar = fastvar.get();
    hooks.context.share_cfg_from = plan.share_cfg_from;
    gen::ScaleRelay relay(request, observer, plan.skips_scales(K) ? plan.last_scale : -1);
    hooks.on_scale = [&](const ScaleReport& report) {
      gen::ScaleCode code;
      if (relay.wants_events()) code.ids = report.ids;
      if (relay.wants_events() && fastvar) code.kept = fastvar->kept_share(report.scale);
      return relay.relay(report.scale, report.side, report.num_scales, code, report.image01);
    };
    SampleResult sampled =
        autoregressive_infer_cfg(model_->transformer, model_->vae, request.labels, options, hooks, prefix_ids);
    gen::SampleResult result;
    for (std::vector<int64_t>& ids : sampled.ids) result.pyramid.push_back({std::move(ids), {}, {}});
    if (fastvar)
      for (size_t k = 0; k < result.pyramid.size(); ++k) result.pyramid[k].kept = fastvar->kept_share(int(k));
    result.cancelled = sampled.cancelled && !relay.stopped_as_asked();
    result.image01 = std::move(sampled.image01);
    if (relay.stopped_as_asked() && !result.cancelled && request.decode_final && sampled.scales_done < info_.num_scales())
      result.image01 = model_->vae.decode_fhat_01(sampled.f_hat);
    result.scales_done = sampled.scales_done;
    return result;
  }

  gen::Pyramid encode(const Tensor& image) const override {
    gen::Pyramid pyramid;
    for (std::vector<int64_t>& ids : model_->vae.encode_ids(image)) pyramid.push_back({std::move(ids), {}, {}});
    return pyramid;
  }

  Tensor decode_scale(const gen::Pyramid& pyramid, int scale) const override {
    if (scale < 0 || scale >= int(pyramid.size()))
      throw Error("VAR: no scale " + std::to_string(scale) + " in a pyramid of " + std::to_string(pyramid.size()));
    const Quantizer& quantizer = model_->vae.quantize;
    const int64_t n0 = quantizer.tokens_in_scale(0);
    if (n0 == 0 || pyramid[0].ids.size() % n0 != 0)
      throw Error("VAR: the pyramid's first scale has " + std::to_string(pyramid[0].ids.size()) + " ids");
    const int batch = static_cast<int>(pyramid[0].ids.size() / n0);
    Tensor f_hat = quantizer.zero_fhat(batch);
    for (int k = 0; k <= scale; ++k) {
      if (int64_t(pyramid[k].ids.size()) != batch * quantizer.tokens_in_scale(k))
        throw Error("VAR: scale " + std::to_string(k) + " of the pyramid has " + std::to_string(pyramid[k].ids.size()) +
                    " ids, expected " + std::to_string(batch * quantizer.tokens_in_scale(k)));
      quantizer.add_scale(f_hat, k, quantizer.embed(pyramid[k].ids, batch, quantizer.patch_nums[k]));
    }
    return model_->vae.decode_fhat_01(f_hat);
  }

 private:
  // The edit's per-scale masks and the image's ids, one row per image of the batch.
  void add_edit(const gen::EditRequest& edit, int64_t batch, SamplingOptions& options) const {
    options.edit_keep = gen::keep_masks_for_scales(edit, info_.scales);
    const int64_t vocab = model_->config().vocab;
    for (int k = 0; k < info_.num_scales(); ++k) {
      const std::vector<int64_t>& ids = edit.image[k].ids;
      const int64_t n = int64_t(info_.scales[k]) * info_.scales[k];
      const int64_t rows = gen::edit_rows(int64_t(ids.size()), n, batch, k);
      for (int64_t id : ids)
        if (id < 0 || id >= vocab)
          throw Error("VAR: the edited image's scale " + std::to_string(k) + " holds token id " + std::to_string(id) +
                      ", outside the vocabulary [0, " + std::to_string(vocab) + ")");
      std::vector<int64_t> per_image;
      per_image.reserve(batch * n);
      for (int64_t b = 0; b < batch; ++b)
        per_image.insert(per_image.end(), ids.begin() + (rows == 1 ? 0 : b * n), ids.begin() + (rows == 1 ? n : (b + 1) * n));
      options.edit_ids.push_back(std::move(per_image));
    }
  }

  std::shared_ptr<const VarModel> model_;
  gen::ModelInfo info_;
};

}  // namespace

gen::SamplingRequest default_var_request() {
  gen::SamplingRequest request;
  request.cfg = 4.0;
  request.extra = gen::VarExtra{};
  return request;
}

std::unique_ptr<gen::Generator> make_var_generator(std::shared_ptr<const VarModel> model, gen::ModelInfo info) {
  return std::make_unique<VarGenerator>(std::move(model), std::move(info));
}

}  // namespace vs::var
