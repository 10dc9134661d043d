// Pieces the FlowAR commands share: the sampling flags with FlowAR's defaults (flowar.md
// §7: 25 steps, cfg 4.3, guidance 0.9) and the (FlowAR, KL-16 VAE) pair loaded together.
#pragma once
#include <memory>
#include <string>

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

// One attention variant (null = exact) for both the AR transformer and the flownet.
void use_attention(flowar::FlowArSamplerHooks& hooks, const attention::Variant* variant);

}  // namespace vs::cli
