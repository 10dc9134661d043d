// varscope-cli replay: runs the KV-cache sampling path with given token ids injected
// instead of drawn (issue 3, "CLI"), and writes the raw logits of both CFG halves, f_hat
// after every scale and the decoded image. Re-renders and scores token sequences; also the
// parity harness against the reference's fixtures. FlowAR checkpoints go to
// flowar_replay.cpp.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/flowar_commands.h"
#include "app/cli/model_cli_common.h"
#include "app/cli/var_cli_common.h"
#include "core/error.h"
#include "core/io/safetensors.h"
#include "core/nn/denormals.h"
#include "core/var/sampler.h"
#include "core/var/var_model.h"

namespace vs::cli {
namespace {

int var_replay(Args& args, const ModelChoice& choice) {
  reject_foreign_flags(args, kFlowArOnlyFlags, choice, "--patch-nums, --attention");
  const std::string& var_path = choice.model_path;
  const std::string& vae_path = choice.vae_path;
  const std::vector<int> patch_nums = patch_nums_flag(args);
  const std::string tokens_path = args.require("tokens");
  const std::string out_path = args.require("out");
  const std::unique_ptr<attention::Variant> variant = attention_flag(args);
  args.finish();

  nn::flush_denormals_on_all_threads();
  const auto start = std::chrono::steady_clock::now();
  const var::VarModel model = var::VarModel::load(var_path, vae_path, patch_nums);
  const var::VarConfig& config = model.config();
  const TokenFile tokens = read_token_file(tokens_path, config, true);
  const int64_t B = tokens.batch, L = config.tokens(), V = config.vocab;

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
  // Every token map is given as a prefix: nothing is drawn (no random numbers, no top-k
  // work), and f_hat is built from exactly these ids, as injection would.
  var::SamplingOptions options;
  options.decode_final = false;
  const var::SampleResult result =
      var::autoregressive_infer_cfg(model.transformer, model.vae, tokens.labels, options, hooks, tokens.scales);

  io::SafetensorsWriter writer;
  writer.set_metadata("var", var_path);
  writer.set_metadata("vae", vae_path);
  writer.set_metadata("tokens", tokens_path);
  writer.set_metadata("attention", variant ? variant->spec() : "exact");
  writer.add_int64("labels", {B}, tokens.labels);
  writer.add_int64("ids", {B, L}, flatten_scales(tokens.scales, config.patch_nums, B));
  writer.add("logits", logits);
  writer.add("logits_uncond", logits_uncond);
  for (size_t k = 0; k < fhats.size(); ++k) writer.add("fhat_s" + std::to_string(k), fhats[k]);
  writer.add("img", model.vae.decode_fhat(result.f_hat));
  writer.write(out_path);
  std::printf("replayed %lld x %lld tokens (%s) in %.1f ms -> %s\n", static_cast<long long>(B),
              static_cast<long long>(L), config.describe().c_str(), elapsed_ms_since(start), out_path.c_str());
  return 0;
}

}  // namespace

int command_replay(Args& args) {
  const ModelChoice model = model_flag(args);
  return model.is_flowar() ? flowar_replay(args, model) : var_replay(args, model);
}

}  // namespace vs::cli
