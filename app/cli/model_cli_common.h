// How the model commands (generate, replay, inspect, bench generate) pick their model:
// `--model NAME|PATH` (a shipped name or any checkpoint, kind told from the file), or the
// explicit `--var V` / `--flowar F`, each with `--vae E` or the tokenizer found beside it
// as <stem>-vae.safetensors. Also the check that no flag of the other family was given.
#pragma once
#include <string>
#include <vector>

#include "app/cli/commands.h"
#include "core/io/model_ref.h"

namespace vs::cli {

struct ModelChoice {
  io::ModelKind kind = io::ModelKind::kUnknown;  // kVarTransformer or kFlowAr
  std::string model_path, vae_path;
  std::string flag;  // "--model", "--var" or "--flowar", as errors name it
  bool is_flowar() const { return kind == io::ModelKind::kFlowAr; }
};

// Reads --model, --var, --flowar and --vae. Throws one vs::Error when none or several are
// given, when the file is not a generator (a tokenizer, a classifier), when --var names a
// FlowAR file or --flowar a VAR file, or when no tokenizer is given or found.
ModelChoice model_flag(Args& args);

// Throws when one of `flags` (names without "--") was given: they belong to the other
// model family. `options_hint` lists the options that do apply, e.g. "--steps, --cfg".
void reject_foreign_flags(Args& args, const std::vector<std::string>& flags, const ModelChoice& model,
                          const std::string& options_hint);

// The flags of each family, as the commands' checks name them.
extern const std::vector<std::string> kVarOnlyFlags;     // top-k, top-p, more-smooth, patch-nums, prefix, keep-scales
extern const std::vector<std::string> kFlowArOnlyFlags;  // steps, guidance, euler-step, flow-layer

}  // namespace vs::cli
