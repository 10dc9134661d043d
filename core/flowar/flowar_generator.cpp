#include "core/flowar/flowar_generator.h"

#include <algorithm>
#include <cmath>

#include "core/attention/attention.h"
#include "core/error.h"
#include "core/flowar/flowar_sampler.h"
#include "core/flowar/latent_pyramid.h"
#include "core/generator/accel_target.h"
#include "core/edit/edit_mask.h"
#include "core/generator/scale_relay.h"

namespace vs::flowar {

namespace {

class FlowArGenerator final : public gen::Generator {
 public:
  FlowArGenerator(std::shared_ptr<const FlowArModel> model, std::shared_ptr<const KlVae> vae, gen::ModelInfo info)
      : model_(std::move(model)), vae_(std::move(vae)), info_(std::move(info)) {
    const FlowArConfig& config = model_->config;
    if (vae_ && config.latent_channels != vae_->config.embed_dim)
      throw Error("models do not match: " + info_.model_path + " works on " + std::to_string(config.latent_channels) +
                  "-channel tokens but " + info_.vae_path + " has a " + std::to_string(vae_->config.embed_dim) +
                  "-channel latent");
    info_.family = gen::Family::kFlowAr;
    if (info_.name.empty()) info_.name = info_.model_path.empty() ? "FlowAR" : info_.model_path;
    info_.num_classes = config.num_classes;
    info_.scales = config.scales;
    info_.image_side = vae_ ? vae_->image_side(config.full_side()) : 0;
    info_.modules = {
        {observe::Module::kAr, config.encoder_depth + config.decoder_depth, config.ar_heads, config.ar_head_dim(), false},
        {observe::Module::kFlownet, config.flow_depth, config.flow_heads, config.flow_head_dim(),
         config.flow_block == FlownetBlock::kV2}};
    info_.description = config.describe();
    info_.linear_weight_bytes = model_->linear_weight_bytes();
    info_.precision = model_->ar.weights().decoder_embed_weight.precision();
  }

  const gen::ModelInfo& info() const override { return info_; }

  // The edit's per-scale masks and the image's latent tokens, one row per image.
  void add_edit(const gen::EditRequest& edit, int64_t batch, FlowArSamplingOptions& options) const {
    options.edit_keep = gen::keep_masks_for_scales(edit, info_.scales);
    const int64_t T = model_->config.latent_channels;
    for (int k = 0; k < info_.num_scales(); ++k) {
      const Tensor& latent = edit.image[k].latent;
      const int64_t n = int64_t(info_.scales[k]) * info_.scales[k];
      if (latent.rank() != 3 || latent.dim(1) != n || latent.dim(2) != T)
        throw Error("FlowAR: the edited image's scale " + std::to_string(k) + " has shape " + latent.shape_str() +
                    ", expected (1 or " + std::to_string(batch) + ", " + std::to_string(n) + ", " + std::to_string(T) + ")");
      const int64_t rows = gen::edit_rows(latent.numel(), n * T, batch, k);
      for (float v : latent.data)
        if (!std::isfinite(v)) throw Error("FlowAR: the edited image's scale " + std::to_string(k) + " is not finite");
      Tensor per_image({batch, n, T});
      for (int64_t b = 0; b < batch; ++b)
        std::copy(latent.data.begin() + (rows == 1 ? 0 : b * n * T), latent.data.begin() + (rows == 1 ? n * T : (b + 1) * n * T),
                  per_image.data.begin() + b * n * T);
      options.edit_latents.push_back(std::move(per_image));
    }
  }

  gen::SamplingRequest default_request() const override { return default_flowar_request(); }

  gen::SampleResult sample(const gen::SamplingRequest& request, gen::GenerationObserver* observer) const override {
    if (!std::holds_alternative<gen::FlowArExtra>(request.extra))
      throw Error(info_.name + ": a VAR sampling request was given to a FlowAR model");
    const gen::FlowArExtra& extra = std::get<gen::FlowArExtra>(request.extra);
    const std::unique_ptr<attention::Variant> variant = attention::make_variant(request.attention);
    const int K = info_.num_scales();
    const accel::AccelPlan plan = gen::accel_plan(info_, request);

    FlowArSamplingOptions options;
    options.num_steps = extra.steps;
    options.cfg = request.cfg;
    options.guidance = plan.guidance;
    options.steps_per_scale = plan.steps_per_scale;
    options.uncond_from = plan.uncond_from;
    options.seed = request.seed;
    options.keep_scales = request.keep_scales;
    for (int k = 0; k < std::min<int>(request.keep_scales, int(request.prefix.size())); ++k)
      options.prefix.push_back(request.prefix[k].latent);
    if (request.keep_scales > int(request.prefix.size()))
      throw Error("FlowAR: keep_scales " + std::to_string(request.keep_scales) + " but only " +
                  std::to_string(request.prefix.size()) + " prefix scales given");
    if (request.edit.active()) add_edit(request.edit, int64_t(request.labels.size()), options);

    FlowArSamplerHooks hooks;
    hooks.cancel = request.cancel;
    hooks.decode_each_scale = request.decode_each_scale && vae_;
    hooks.previews_at_scale_side = request.previews_at_scale_side;
    hooks.preview_max_side = request.preview_max_side;
    hooks.ar_context = {variant.get(), observer};
    hooks.flow_context = {variant.get(), observer};
    if (observer)
      hooks.on_step = [observer, K](int scale, int done, int steps) {
        observer->on_step({scale, K, done - 1, steps});
      };
    gen::ScaleRelay relay(request, observer, plan.skips_scales(K) ? plan.last_scale : -1);
    hooks.on_scale = [&](const FlowArScaleReport& report) {
      gen::ScaleCode code;
      Tensor image01;
      if (relay.wants_events()) {
        code.latent = report.tokens;
        if (report.image) image01 = images_to_unit_range(*report.image);
      }
      return relay.relay(report.scale, report.side, report.num_scales, code, report.image ? &image01 : nullptr);
    };
    const bool decode = request.decode_final && vae_;
    // Previews need the VAE too; the last one is the final image, decoded once.
    const KlVae* vae_used = decode || hooks.decode_each_scale ? vae_.get() : nullptr;
    FlowArSampleResult sampled = sample_flowar(*model_, request.labels, options, hooks, vae_used);
    gen::SampleResult result;
    for (Tensor& tokens : sampled.samples) result.pyramid.push_back({{}, std::move(tokens), {}});
    result.cancelled = sampled.cancelled && !relay.stopped_as_asked();
    result.scales_done = sampled.scales_done;
    if (!sampled.cancelled && decode) result.image01 = images_to_unit_range(sampled.image);
    // Stopped early (stop_after, skip:after): the last latent resampled to the full side.
    if (relay.stopped_as_asked() && !result.cancelled && decode && !result.pyramid.empty() && result.scales_done < K)
      result.image01 = decode_scale(result.pyramid, int(result.pyramid.size()) - 1);
    return result;
  }

  gen::Pyramid encode(const Tensor& image) const override {
    gen::Pyramid pyramid;
    for (Tensor& tokens : encode_pyramid(vae(), image, model_->config.scales)) pyramid.push_back({{}, std::move(tokens), {}});
    return pyramid;
  }

  Tensor decode_scale(const gen::Pyramid& pyramid, int scale) const override {
    if (scale < 0 || scale >= int(pyramid.size()))
      throw Error("FlowAR: no scale " + std::to_string(scale) + " in a pyramid of " + std::to_string(pyramid.size()));
    return images_to_unit_range(flowar::decode_scale(vae(), pyramid[scale].latent, model_->config.full_side()));
  }

 private:
  const KlVae& vae() const {
    if (!vae_) throw Error(info_.name + ": no KL VAE is loaded with this FlowAR model");
    return *vae_;
  }

  std::shared_ptr<const FlowArModel> model_;
  std::shared_ptr<const KlVae> vae_;
  gen::ModelInfo info_;
};

}  // namespace

gen::SamplingRequest default_flowar_request() {
  gen::SamplingRequest request;
  request.cfg = 4.3;
  request.extra = gen::FlowArExtra{};
  return request;
}

std::unique_ptr<gen::Generator> make_flowar_generator(std::shared_ptr<const FlowArModel> model,
                                                      std::shared_ptr<const KlVae> vae, gen::ModelInfo info) {
  return std::make_unique<FlowArGenerator>(std::move(model), std::move(vae), std::move(info));
}

}  // namespace vs::flowar
