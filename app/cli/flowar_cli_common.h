// Pieces the FlowAR commands share: the sampling flags with FlowAR's defaults (flowar.md
// §7: 25 steps, cfg 4.3, guidance 0.9) and the (FlowAR, KL-16 VAE) pair loaded together.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "app/cli/commands.h"
#include "app/cli/model_cli_common.h"
#include "core/attention/attention.h"
#include "core/flowar/flowar_model.h"
#include "core/flowar/flowar_sampler.h"
#include "core/flowar/kl_vae.h"

namespace vs::cli {

// The VAR-only flags are refused here with a clear error (reject_foreign_flags).
extern const char kFlowArOptionsHint[];  // "--steps, --cfg, --guidance"

// --steps N (2..1000), --cfg W, --guidance G (0..1); seed stays 0.
flowar::FlowArSamplingOptions flowar_sampling_flags(Args& args);

struct FlowArPair {
  flowar::FlowArModel model;
  flowar::KlVae vae;
};
// Loads both files; a VAE whose latent width is not the model's token width is one
// vs::Error naming both files and both numbers.
FlowArPair load_flowar_pair(const ModelChoice& choice);

// The token file `encode --model <FlowAR>` writes: "tokens_s<k>" (B, s_k², C) per scale
// (latent_pyramid.h). Returns the first keep_scales of them, each with `count` rows (a
// file of one row is repeated); one vs::Error naming the file on anything missing or
// mis-shaped.
std::vector<Tensor> read_flowar_prefix(const std::string& path, const flowar::FlowArConfig& config, int keep_scales,
                                       int64_t count);

// One attention variant (null = exact) for both the AR transformer and the flownet.
void use_attention(flowar::FlowArSamplerHooks& hooks, const attention::Variant* variant);

}  // namespace vs::cli
