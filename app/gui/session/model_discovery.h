// Where the explorer finds models: the shipped pairs in assets/models ("<name>.safetensors"
// with "<name>-vae.safetensors"), the user's own (varscope-train's output folder) and the
// recent list persisted in the settings.
#pragma once
#include <string>
#include <vector>

#include "core/io/model_kind.h"
#include "core/io/model_ref.h"

namespace vs::gui {

struct ModelPaths {
  std::string var_path, vae_path;  // the transformer (VAR or FlowAR) and its tokenizer
  std::string patch_nums;  // "1,2,3" or empty (from the checkpoint)
  // What the transformer file holds (find_shipped_models reads the safetensors header;
  // kUnknown where nobody looked yet).
  io::ModelKind kind = io::ModelKind::kUnknown;
  std::string label() const;  // file name of the VAR checkpoint
  bool operator==(const ModelPaths& o) const { return var_path == o.var_path && vae_path == o.vae_path; }
};

// Pairs in each directory (in order, duplicates dropped), each with its kind; a directory
// that does not exist gives nothing.
std::vector<ModelPaths> find_shipped_models(const std::vector<std::string>& directories);
// The pair the explorer opens at start: the first VAR pair, else the first FlowAR pair,
// else none (index -1). Classifiers and unreadable files are never picked.
int default_model_index(const std::vector<ModelPaths>& shipped);
// core's io::model_directories() (the one model discovery of the CLI and the explorer,
// the user's varscope-train folder last).
std::vector<std::string> default_model_directories();
using io::user_models_directory;  // where varscope-train writes `--out NAME`

// The recent list as one settings value ("var;vae;patch|var;vae;patch"), newest first.
std::string serialize_recent(const std::vector<ModelPaths>& recent);
std::vector<ModelPaths> parse_recent(const std::string& text);
// Puts `paths` first, drops its older copy, keeps at most `limit` entries.
void remember_recent(std::vector<ModelPaths>& recent, const ModelPaths& paths, size_t limit = 8);

// "1,2,3,4" → {1,2,3,4}; empty text → {}. Throws vs::Error on anything else.
std::vector<int> parse_patch_nums(const std::string& text);

// A dropped/typed checkpoint goes to the VAE field when its file name says so.
bool looks_like_vae(const std::string& path);

}  // namespace vs::gui
