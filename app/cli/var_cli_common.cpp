#include "app/cli/var_cli_common.h"

#include <filesystem>
#include <system_error>

#include "core/attention/pyramid.h"
#include "core/error.h"
#include "core/io/safetensors.h"

namespace vs::cli {

std::vector<int> patch_nums_flag(Args& args) {
  const std::string text = args.get("patch-nums", "");
  if (text.empty()) return {};
  return attention::parse_pyramid(text);
}

std::unique_ptr<attention::Variant> attention_flag(Args& args) {
  const std::string spec = args.get("attention", "exact");
  if (spec == "exact") return nullptr;
  return attention::make_variant(spec);
}

void ensure_directory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    throw Error(dir + ": cannot create the directory (" + (ec ? ec.message() : "not a directory") + ")");
}

std::string join_path(const std::string& dir, const std::string& name) {
  return (std::filesystem::path(dir) / name).string();
}

TokenFile read_token_file(const std::string& path, const var::VarConfig& config, bool need_labels) {
  const io::SafetensorsFile file = io::SafetensorsFile::open(path);
  if (!file.contains("ids")) throw Error(path + ": tensor 'ids' is missing (expected I64 [B, L])");
  const io::TensorInfo& info = file.info("ids");
  const int64_t L = config.tokens();
  if (info.shape.size() != 2 || info.shape[0] < 1 || info.shape[1] != L)
    throw Error(path + ": 'ids' has shape " + shape_to_string(info.shape) + ", expected [B, " +
                std::to_string(L) + "] (L for patch_nums " + config.describe() + ")");
  TokenFile t;
  t.batch = info.shape[0];
  const std::vector<int64_t> ids = file.read_int64("ids");
  for (int64_t i = 0; i < static_cast<int64_t>(ids.size()); ++i)
    if (ids[i] < 0 || ids[i] >= config.vocab)
      throw Error(path + ": 'ids' [" + std::to_string(i / L) + ", " + std::to_string(i % L) + "] = " +
                  std::to_string(ids[i]) + " is outside the vocabulary [0, " +
                  std::to_string(config.vocab) + ")");
  if (file.contains("labels")) {
    t.labels = file.read_int64("labels");
    if (static_cast<int64_t>(t.labels.size()) != t.batch)
      throw Error(path + ": 'labels' has " + std::to_string(t.labels.size()) + " entries, expected B = " +
                  std::to_string(t.batch));
    for (int64_t label : t.labels)
      if (label >= config.num_classes)
        throw Error(path + ": label " + std::to_string(label) + " is outside [0, " +
                    std::to_string(config.num_classes) + ") (negative = unconditional)");
  } else if (need_labels) {
    throw Error(path + ": tensor 'labels' is missing (expected I64 [B])");
  }
  for (int k = 0; k < config.num_scales(); ++k) {
    const int64_t begin = config.scale_begin(k), n = config.scale_tokens(k);
    std::vector<int64_t> scale(static_cast<size_t>(t.batch * n));
    for (int64_t b = 0; b < t.batch; ++b)
      for (int64_t j = 0; j < n; ++j) scale[b * n + j] = ids[b * L + begin + j];
    t.scales.push_back(std::move(scale));
  }
  return t;
}

std::vector<int64_t> flatten_scales(const std::vector<std::vector<int64_t>>& scales,
                                    const std::vector<int>& patch_nums, int64_t batch) {
  const int64_t L = attention::pyramid_tokens(patch_nums);
  std::vector<int64_t> out(static_cast<size_t>(batch * L));
  int64_t begin = 0;
  for (size_t k = 0; k < scales.size(); ++k) {
    const int64_t n = int64_t(patch_nums[k]) * patch_nums[k];
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t j = 0; j < n; ++j) out[b * L + begin + j] = scales[k][b * n + j];
    begin += n;
  }
  return out;
}

double elapsed_ms_since(const std::chrono::steady_clock::time_point& start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace vs::cli
