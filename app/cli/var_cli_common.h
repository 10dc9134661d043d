// Pieces the VAR commands (generate, replay, encode, inspect, bench generate) share:
// flag parsing for patch_nums and attention variants, directories, token files.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/cli/commands.h"
#include "core/attention/attention.h"
#include "core/var/var_config.h"

namespace vs::cli {

// --patch-nums 1,2,3 (empty when not given).
std::vector<int> patch_nums_flag(Args& args);
// --attention SPEC; null for "exact" (the model's built-in path).
std::unique_ptr<attention::Variant> attention_flag(Args& args);
// mkdir -p; throws vs::Error naming the directory.
void ensure_directory(const std::string& dir);
std::string join_path(const std::string& dir, const std::string& name);

// A token file: `ids` I64 [B, L] (row-major tokens of every scale, coarse to fine) and,
// when present, `labels` I64 [B]. Validates L against the config and every id against the
// vocabulary; errors name the file.
struct TokenFile {
  std::vector<int64_t> labels;                 // empty if the file has none
  int64_t batch = 0;
  std::vector<std::vector<int64_t>> scales;    // per scale: batch · pn² ids, batch-major
};
TokenFile read_token_file(const std::string& path, const var::VarConfig& config, bool need_labels);
// Flattens per-scale ids (each B·pn²) into [B, L] row-major.
std::vector<int64_t> flatten_scales(const std::vector<std::vector<int64_t>>& scales,
                                    const std::vector<int>& patch_nums, int64_t batch);

double elapsed_ms_since(const std::chrono::steady_clock::time_point& start);

}  // namespace vs::cli
