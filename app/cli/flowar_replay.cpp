// varscope-cli replay for FlowAR checkpoints: samples with each scale's initial noise
// given instead of drawn (the conditional rows' noise_s{k}, as the reference's fixtures
// store it) and writes every scale's sample and AR condition and the raw decoded image.
// The parity harness against the reference, and a way to re-run one noise draw under
// another attention variant, step count or guidance.
#include <chrono>
#include <cstdio>
#include <string>

#include "app/cli/flowar_cli_common.h"
#include "app/cli/flowar_commands.h"
#include "app/cli/var_cli_common.h"
#include "core/error.h"
#include "core/io/safetensors.h"

namespace vs::cli {
namespace {

// `labels` I64 [B] and `noise_s{k}` F32 [B, s_k², T] for every scale k; errors name the
// file, the tensor and the expected shape.
struct NoiseFile {
  std::vector<int64_t> labels;
  std::vector<Tensor> noise;  // per scale (B, s², T)
};

NoiseFile read_noise_file(const std::string& path, const flowar::FlowArConfig& config) {
  const io::SafetensorsFile file = io::SafetensorsFile::open(path);
  if (!file.contains("labels")) throw Error(path + ": tensor 'labels' is missing (expected I64 [B])");
  const io::TensorInfo& label_info = file.info("labels");
  if (label_info.shape.size() != 1 || label_info.shape[0] < 1)
    throw Error(path + ": 'labels' has shape " + shape_to_string(label_info.shape) + ", expected [B] with B >= 1");
  NoiseFile out;
  out.labels = file.read_int64("labels");
  const int64_t B = static_cast<int64_t>(out.labels.size());
  for (int64_t label : out.labels)
    if (label >= config.num_classes)
      throw Error(path + ": label " + std::to_string(label) + " is outside [0, " +
                  std::to_string(config.num_classes) + ") (negative = unconditional)");
  for (int k = 0; k < config.num_scales(); ++k) {
    const std::string name = "noise_s" + std::to_string(k);
    const Shape expected{B, config.scale_tokens(k), config.latent_channels};
    if (!file.contains(name))
      throw Error(path + ": tensor '" + name + "' is missing (expected F32 " + shape_to_string(expected) + ")");
    if (file.info(name).shape != expected)
      throw Error(path + ": '" + name + "' has shape " + shape_to_string(file.info(name).shape) + ", expected " +
                  shape_to_string(expected) + " (B from 'labels', scales " + config.describe() + ")");
    out.noise.push_back(file.read_float(name));
  }
  return out;
}

}  // namespace

int flowar_replay(Args& args, const ModelChoice& choice) {
  reject_foreign_flags(args, kVarOnlyFlags, choice, std::string(kFlowArOptionsHint) + ", --attention");
  const std::string tokens_path = args.require("tokens");
  const std::string out_path = args.require("out");
  const flowar::FlowArSamplingOptions options = flowar_sampling_flags(args);
  const std::unique_ptr<attention::Variant> variant = attention_flag(args);
  args.finish();

  const auto start = std::chrono::steady_clock::now();
  const FlowArPair pair = load_flowar_pair(choice);
  const flowar::FlowArConfig& config = pair.model.config;
  const NoiseFile given = read_noise_file(tokens_path, config);

  flowar::FlowArSamplerHooks hooks;
  use_attention(hooks, variant.get());
  hooks.inject_noise = [&](int scale, Tensor& noise) { noise = given.noise[scale]; };
  const flowar::FlowArSampleResult result = flowar::sample_flowar(pair.model, given.labels, options, hooks, &pair.vae);

  io::SafetensorsWriter writer;
  writer.set_metadata("flowar", choice.model_path);
  writer.set_metadata("vae", choice.vae_path);
  writer.set_metadata("tokens", tokens_path);
  writer.set_metadata("attention", variant ? variant->spec() : "exact");
  writer.set_metadata("steps", std::to_string(options.num_steps));
  writer.set_metadata("cfg", std::to_string(options.cfg));
  writer.set_metadata("guidance", std::to_string(options.guidance));
  const int64_t B = static_cast<int64_t>(given.labels.size());
  writer.add_int64("labels", {B}, given.labels);
  for (int k = 0; k < result.scales_done; ++k) {
    writer.add("sample_s" + std::to_string(k), result.samples[k]);
    writer.add("cond_s" + std::to_string(k), result.conditions[k]);
  }
  writer.add("img", result.image);
  writer.write(out_path);
  std::printf("replayed %lld image(s), %d scales x %d steps (%s) in %.1f ms -> %s\n", static_cast<long long>(B),
              result.scales_done, options.num_steps, config.describe().c_str(), elapsed_ms_since(start),
              out_path.c_str());
  return 0;
}

}  // namespace vs::cli
