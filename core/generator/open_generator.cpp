// The one place that tells the families apart: a model reference's kind picks the adapter.
#include <memory>

#include "core/error.h"
#include "core/generator/collaborative_decoding.h"
#include "core/flowar/flowar_generator.h"
#include "core/generator/flop_estimate.h"
#include "core/generator/generator.h"
#include "core/generator/reference_info.h"
#include "core/io/class_names.h"
#include "core/io/model_ref.h"
#include "core/var/var_generator.h"

namespace vs::gen {

ModelInfo reference_info(const io::ModelRef& ref) {
  if (ref.kind != io::ModelKind::kVarTransformer && ref.kind != io::ModelKind::kFlowAr)
    throw Error(ref.model_path + " is a " + io::model_kind_name(ref.kind) + ", not a VAR or FlowAR generator");
  if (ref.vae_path.empty())
    throw Error(ref.model_path + ": no tokenizer found beside it (" + ref.name + "-vae.safetensors); give --vae");
  ModelInfo info;
  info.name = ref.name;
  info.model_path = ref.model_path;
  info.vae_path = ref.vae_path;
  info.class_names = io::metadata_class_names(ref.model_path);
  return info;
}

std::unique_ptr<Generator> open_generator(const io::ModelRef& ref, const std::vector<int>& scales) {
  ModelInfo info = reference_info(ref);
  if (ref.kind == io::ModelKind::kVarTransformer) {
    auto model = std::make_shared<const var::VarModel>(
        var::VarModel::load(ref.model_path, ref.vae_path, scales, ref.precision));
    info.sample_flops = var_sample_flops(model->config());
    info.decode_flops = var_decode_flops(model->image_side());
    return with_collaborative_decoding(var::make_var_generator(std::move(model), std::move(info)));
  }
  // The VAE first: its loader holds the checkpoint and a copy at once, so loading it
  // before the larger transformer keeps the peak lower.
  auto vae = std::make_shared<const flowar::KlVae>(flowar::KlVae::load(ref.vae_path));
  auto model =
      std::make_shared<const flowar::FlowArModel>(flowar::FlowArModel::load(ref.model_path, scales, ref.precision));
  return with_collaborative_decoding(flowar::make_flowar_generator(std::move(model), std::move(vae), std::move(info)));
}

std::unique_ptr<Generator> open_generator(const std::string& name_or_path, const std::string& vae_override) {
  return open_generator(io::resolve_model(name_or_path, vae_override));
}

}  // namespace vs::gen
