#include "core/generator/parity_replay.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>

#include "core/attention/attention.h"
#include "core/error.h"
#include "core/flowar/flowar_generator.h"
#include "core/flowar/flowar_sampler.h"
#include "core/generator/reference_info.h"
#include "core/io/model_ref.h"
#include "core/var/sampler.h"
#include "core/var/var_generator.h"
#include "core/var/var_model.h"

namespace vs::gen {
namespace {

double elapsed_ms_since(const std::chrono::steady_clock::time_point& start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// labels I64 [B] with every label below `num_classes` (negative = unconditional).
std::vector<int64_t> read_labels(const io::SafetensorsFile& file, const std::string& path, int num_classes) {
  if (!file.contains("labels")) throw Error(path + ": tensor 'labels' is missing (expected I64 [B])");
  const io::TensorInfo& info = file.info("labels");
  if (info.shape.size() != 1 || info.shape[0] < 1)
    throw Error(path + ": 'labels' has shape " + shape_to_string(info.shape) + ", expected [B] with B >= 1");
  std::vector<int64_t> labels = file.read_int64("labels");
  for (int64_t label : labels)
    if (label >= num_classes)
      throw Error(path + ": label " + std::to_string(label) + " is outside [0, " + std::to_string(num_classes) +
                  ") (negative = unconditional)");
  return labels;
}

// VAR: every token map given as a prefix, so nothing is drawn (no random numbers, no top-k
// work) and f_hat is built from exactly these ids; the raw logits of both CFG halves are kept.
class VarReplay final : public ParityReplay {
 public:
  VarReplay(std::shared_ptr<const var::VarModel> model, ModelInfo info)
      : model_(model), generator_(var::make_var_generator(std::move(model), std::move(info))) {}

  const Generator& generator() const override { return *generator_; }

  ReplayOutput replay(const std::string& path, const SamplingRequest& request) const override {
    const auto start = std::chrono::steady_clock::now();
    const var::VarConfig& config = model_->config();
    const io::SafetensorsFile file = io::SafetensorsFile::open(path);
    if (!file.contains("ids")) throw Error(path + ": tensor 'ids' is missing (expected I64 [B, L])");
    const io::TensorInfo& ids_info = file.info("ids");
    const int64_t L = config.tokens(), V = config.vocab;
    if (ids_info.shape.size() != 2 || ids_info.shape[0] < 1 || ids_info.shape[1] != L)
      throw Error(path + ": 'ids' has shape " + shape_to_string(ids_info.shape) + ", expected [B, " +
                  std::to_string(L) + "] (L for patch_nums " + config.describe() + ")");
    const int64_t B = ids_info.shape[0];
    const std::vector<int64_t> ids = file.read_int64("ids");
    for (int64_t i = 0; i < static_cast<int64_t>(ids.size()); ++i)
      if (ids[i] < 0 || ids[i] >= V)
        throw Error(path + ": 'ids' [" + std::to_string(i / L) + ", " + std::to_string(i % L) + "] = " +
                    std::to_string(ids[i]) + " is outside the vocabulary [0, " + std::to_string(V) + ")");
    const std::vector<int64_t> labels = read_labels(file, path, config.num_classes);
    if (static_cast<int64_t>(labels.size()) != B)
      throw Error(path + ": 'labels' has " + std::to_string(labels.size()) + " entries, expected B = " +
                  std::to_string(B));
    std::vector<std::vector<int64_t>> scales;  // per scale: B·pn² ids, batch-major
    for (int k = 0; k < config.num_scales(); ++k) {
      const int64_t begin = config.scale_begin(k), n = config.scale_tokens(k);
      std::vector<int64_t> scale(static_cast<size_t>(B * n));
      for (int64_t b = 0; b < B; ++b)
        for (int64_t j = 0; j < n; ++j) scale[b * n + j] = ids[b * L + begin + j];
      scales.push_back(std::move(scale));
    }

    const std::unique_ptr<attention::Variant> variant = attention::make_variant(request.attention);
    Tensor logits({B, L, V}), logits_uncond({B, L, V});
    std::vector<Tensor> fhats;
    var::SamplerHooks hooks;
    hooks.context.attention = variant.get();
    hooks.on_logits = [&](int scale, const Tensor& raw, const Tensor&) {
      // raw: (2B, pn², V); rows [:B] conditional, [B:] unconditional.
      const int64_t n = config.scale_tokens(scale), begin = config.scale_begin(scale);
      for (int64_t b = 0; b < B; ++b) {
        std::memcpy(logits.ptr() + (b * L + begin) * V, raw.ptr() + b * n * V, sizeof(float) * n * V);
        std::memcpy(logits_uncond.ptr() + (b * L + begin) * V, raw.ptr() + (B + b) * n * V, sizeof(float) * n * V);
      }
    };
    hooks.on_scale = [&](const var::ScaleReport& report) {
      fhats.push_back(report.f_hat);
      return true;
    };
    var::SamplingOptions options;
    options.decode_final = false;
    const var::SampleResult result =
        var::autoregressive_infer_cfg(model_->transformer, model_->vae, labels, options, hooks, scales);

    ReplayOutput out;
    out.file.set_metadata("var", generator_->info().model_path);
    out.file.add_int64("labels", {B}, labels);
    out.file.add_int64("ids", {B, L}, ids);
    out.file.add("logits", logits);
    out.file.add("logits_uncond", logits_uncond);
    for (size_t k = 0; k < fhats.size(); ++k) out.file.add("fhat_s" + std::to_string(k), fhats[k]);
    out.file.add("img", model_->vae.decode_fhat(result.f_hat));
    char text[160];
    std::snprintf(text, sizeof text, "replayed %lld x %lld tokens (%s) in %.1f ms", static_cast<long long>(B),
                  static_cast<long long>(L), config.describe().c_str(), elapsed_ms_since(start));
    out.summary = text;
    return out;
  }

 private:
  std::shared_ptr<const var::VarModel> model_;
  std::unique_ptr<Generator> generator_;
};

// FlowAR: each scale's initial noise given instead of drawn (the conditional rows', as the
// reference's fixtures store it); every scale's sample and AR condition are kept.
class FlowArReplay final : public ParityReplay {
 public:
  FlowArReplay(std::shared_ptr<const flowar::FlowArModel> model, std::shared_ptr<const flowar::KlVae> vae,
               ModelInfo info)
      : model_(model), vae_(vae), generator_(flowar::make_flowar_generator(std::move(model), std::move(vae), std::move(info))) {}

  const Generator& generator() const override { return *generator_; }

  ReplayOutput replay(const std::string& path, const SamplingRequest& request) const override {
    if (!std::holds_alternative<FlowArExtra>(request.extra))
      throw Error(generator_->info().name + ": a VAR sampling request was given to a FlowAR replay");
    const FlowArExtra& extra = std::get<FlowArExtra>(request.extra);
    const auto start = std::chrono::steady_clock::now();
    const flowar::FlowArConfig& config = model_->config;
    const io::SafetensorsFile file = io::SafetensorsFile::open(path);
    const std::vector<int64_t> labels = read_labels(file, path, config.num_classes);
    const int64_t B = static_cast<int64_t>(labels.size());
    std::vector<Tensor> noise;  // per scale (B, s², C)
    for (int k = 0; k < config.num_scales(); ++k) {
      const std::string name = "noise_s" + std::to_string(k);
      const Shape expected{B, config.scale_tokens(k), config.latent_channels};
      if (!file.contains(name))
        throw Error(path + ": tensor '" + name + "' is missing (expected F32 " + shape_to_string(expected) + ")");
      if (file.info(name).shape != expected)
        throw Error(path + ": '" + name + "' has shape " + shape_to_string(file.info(name).shape) + ", expected " +
                    shape_to_string(expected) + " (B from 'labels', scales " + config.describe() + ")");
      noise.push_back(file.read_float(name));
    }

    const std::unique_ptr<attention::Variant> variant = attention::make_variant(request.attention);
    flowar::FlowArSamplingOptions options;
    options.num_steps = extra.steps;
    options.cfg = request.cfg;
    options.guidance = extra.guidance;
    flowar::FlowArSamplerHooks hooks;
    hooks.ar_context.attention = variant.get();
    hooks.flow_context.attention = variant.get();
    hooks.inject_noise = [&](int scale, Tensor& scale_noise) { scale_noise = noise[scale]; };
    const flowar::FlowArSampleResult result = flowar::sample_flowar(*model_, labels, options, hooks, vae_.get());

    ReplayOutput out;
    out.file.set_metadata("flowar", generator_->info().model_path);
    out.file.set_metadata("steps", std::to_string(options.num_steps));
    out.file.set_metadata("cfg", std::to_string(options.cfg));
    out.file.set_metadata("guidance", std::to_string(options.guidance));
    out.file.add_int64("labels", {B}, labels);
    for (int k = 0; k < result.scales_done; ++k) {
      out.file.add("sample_s" + std::to_string(k), result.samples[k]);
      out.file.add("cond_s" + std::to_string(k), result.conditions[k]);
    }
    out.file.add("img", result.image);
    char text[160];
    std::snprintf(text, sizeof text, "replayed %lld image(s), %d scales x %d steps (%s) in %.1f ms",
                  static_cast<long long>(B), result.scales_done, options.num_steps, config.describe().c_str(),
                  elapsed_ms_since(start));
    out.summary = text;
    return out;
  }

 private:
  std::shared_ptr<const flowar::FlowArModel> model_;
  std::shared_ptr<const flowar::KlVae> vae_;
  std::unique_ptr<Generator> generator_;
};

}  // namespace

std::unique_ptr<ParityReplay> open_parity_replay(const io::ModelRef& ref, const std::vector<int>& scales) {
  ModelInfo info = reference_info(ref);
  if (ref.kind == io::ModelKind::kVarTransformer)
    return std::make_unique<VarReplay>(
        std::make_shared<const var::VarModel>(var::VarModel::load(ref.model_path, ref.vae_path, scales, ref.precision)), std::move(info));
  // The VAE first: its loader holds the checkpoint and a copy at once (open_generator).
  auto vae = std::make_shared<const flowar::KlVae>(flowar::KlVae::load(ref.vae_path));
  auto model = std::make_shared<const flowar::FlowArModel>(flowar::FlowArModel::load(ref.model_path, scales, ref.precision));
  return std::make_unique<FlowArReplay>(std::move(model), std::move(vae), std::move(info));
}

}  // namespace vs::gen
