// Resolves what a user names with `--model`: a shipped model ("fmnist-var", found as
// <dir>/fmnist-var.safetensors with its tokenizer <dir>/fmnist-var-vae.safetensors) or a
// checkpoint path (its tokenizer "<stem>-vae.safetensors" beside it, or --vae).
#pragma once
#include <string>
#include <vector>

#include "core/io/model_kind.h"
#include "core/weight_precision.h"

namespace vs::io {

struct ModelRef {
  std::string name;        // shipped name, or the checkpoint's file stem
  ModelKind kind = ModelKind::kUnknown;
  std::string model_path;  // the transformer (or classifier) checkpoint
  std::string vae_path;    // its tokenizer; empty when none was found
  WeightPrecision precision = WeightPrecision::kFp32;  // how the transformers' Linear weights are stored
};

// Where models are looked up by name, in search order: $VARSCOPE_MODELS_DIR, an installed
// copy's <prefix>/share/varscope/models (found from the running executable), ./assets/models,
// the source tree's assets/models (a build run from another folder), then the user's own
// (user_models_directory(), where varscope-train writes).
std::vector<std::string> model_directories();
// $XDG_DATA_HOME/varscope/models, else ~/.local/share/varscope/models ("" without HOME).
std::string user_models_directory();
// The folder of the running executable ("" when /proc/self/exe cannot be read).
std::string executable_directory();
// Names of the known models (stems with a "-vae" partner) over model_directories().
std::vector<std::string> shipped_model_names();
// Throws vs::Error naming what was looked for (and the shipped names) when nothing fits,
// or the file's problem when it is not a model.
ModelRef resolve_model(const std::string& name_or_path, const std::string& vae_override = "");

}  // namespace vs::io
