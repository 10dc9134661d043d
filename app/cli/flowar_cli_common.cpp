#include "app/cli/flowar_cli_common.h"

#include "core/error.h"

namespace vs::cli {

const char kFlowArOptionsHint[] = "--steps, --cfg, --guidance";

flowar::FlowArSamplingOptions flowar_sampling_flags(Args& args) {
  flowar::FlowArSamplingOptions options;
  options.num_steps = static_cast<int>(args.get_int("steps", options.num_steps, 2, 1000));
  options.cfg = args.get_double("cfg", options.cfg, 0.0, 1e4);
  options.guidance = args.get_double("guidance", options.guidance, 0.0, 1.0);
  return options;
}

FlowArPair load_flowar_pair(const ModelChoice& choice) {
  // The VAE first: its loader holds the checkpoint and a copy at once, so loading it
  // before the larger transformer keeps the peak lower.
  flowar::KlVae vae = flowar::KlVae::load(choice.vae_path);
  flowar::FlowArModel model = flowar::FlowArModel::load(choice.model_path);
  if (model.config.latent_channels != vae.config.embed_dim)
    throw Error("models do not match: " + choice.model_path + " works on " +
                std::to_string(model.config.latent_channels) + "-channel tokens but " + choice.vae_path +
                " has a " + std::to_string(vae.config.embed_dim) + "-channel latent");
  return FlowArPair{std::move(model), std::move(vae)};
}

void use_attention(flowar::FlowArSamplerHooks& hooks, const attention::Variant* variant) {
  hooks.ar_context.attention = variant;
  hooks.flow_context.attention = variant;
}

}  // namespace vs::cli
