#include "app/cli/flowar_cli_common.h"

#include <algorithm>

#include "core/error.h"
#include "core/io/checkpoint.h"

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

std::vector<Tensor> read_flowar_prefix(const std::string& path, const flowar::FlowArConfig& config, int keep_scales,
                                       int64_t count) {
  if (keep_scales < 0 || keep_scales > config.num_scales())
    throw Error("--keep-scales " + std::to_string(keep_scales) + " is outside [0, " +
                std::to_string(config.num_scales()) + "], the model's scales");
  const io::Checkpoint file = io::load_checkpoint(path);
  std::vector<Tensor> prefix;
  for (int k = 0; k < keep_scales; ++k) {
    const std::string key = "tokens_s" + std::to_string(k);
    if (!file.has(key))
      throw Error(path + ": no tensor '" + key + "' — is it a FlowAR token file (varscope-cli encode --model <FlowAR>)?");
    const Tensor& tokens = file.get(key);
    const int64_t n = config.scale_tokens(k), c = config.latent_channels;
    if (tokens.rank() != 3 || tokens.dim(1) != n || tokens.dim(2) != c || (tokens.dim(0) != 1 && tokens.dim(0) != count))
      throw Error(path + ": tensor '" + key + "' has shape " + tokens.shape_str() + ", expected (1 or " +
                  std::to_string(count) + ", " + std::to_string(n) + ", " + std::to_string(c) + ")");
    Tensor rows({count, n, c});
    for (int64_t b = 0; b < count; ++b)
      std::copy_n(tokens.data.begin() + (tokens.dim(0) == 1 ? 0 : b) * n * c, n * c, rows.data.begin() + b * n * c);
    prefix.push_back(std::move(rows));
  }
  return prefix;
}

void use_attention(flowar::FlowArSamplerHooks& hooks, const attention::Variant* variant) {
  hooks.ar_context.attention = variant;
  hooks.flow_context.attention = variant;
}

}  // namespace vs::cli
