// varscope-cli generate: class-conditional sampling to PNG with a progress line per scale
// on stderr. VAR here, optionally from a prefix of given token maps (encode's output);
// FlowAR checkpoints go to flowar_generate.cpp.
#include <chrono>
#include <cstdio>
#include <limits>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/flowar_commands.h"
#include "app/cli/model_cli_common.h"
#include "app/cli/var_cli_common.h"
#include "core/error.h"
#include "core/io/image_io.h"
#include "core/nn/denormals.h"
#include "core/var/sampler.h"
#include "core/var/var_model.h"

namespace vs::cli {
namespace {

int var_generate(Args& args, const ModelChoice& choice) {
  reject_foreign_flags(args, kFlowArOnlyFlags, choice, "--cfg, --top-k, --top-p, --more-smooth");
  const std::string& var_path = choice.model_path;
  const std::vector<int> patch_nums = patch_nums_flag(args);
  const long label = args.get_int("class", -2, -1, 1L << 30);
  const long seed = args.get_int("seed", 0, 0, std::numeric_limits<long>::max());
  var::SamplingOptions options;
  options.cfg = args.get_double("cfg", 4.0, 0.0, 1e4);
  options.top_k = static_cast<int>(args.get_int("top-k", 900, 0, 1 << 30));
  options.top_p = args.get_double("top-p", 0.95, 0.0, 1.0);
  options.more_smooth = args.flag("more-smooth");
  options.seed = static_cast<uint64_t>(seed);
  const std::unique_ptr<attention::Variant> variant = attention_flag(args);
  const long count = args.get_int("count", 1, 1, 256);
  const std::string out = args.get("out", "");
  const std::string out_dir = args.get("out-dir", "");
  const std::string scales_dir = args.get("scales-dir", "");
  const std::string prefix_path = args.get("prefix", "");
  const long keep_scales = args.get_int("keep-scales", -1, 0, 1 << 20);
  args.finish();

  if (label == -2) throw Error("missing required flag --class (0..classes-1, or -1 for unconditional)");
  if (out.empty() == out_dir.empty()) throw Error("give exactly one of --out OUT.png and --out-dir DIR");
  if (!out.empty() && count != 1) throw Error("--out writes one image; use --out-dir with --count " + std::to_string(count));
  if (prefix_path.empty() != (keep_scales < 0))
    throw Error("--prefix T.safetensors and --keep-scales k go together");

  nn::flush_denormals_on_all_threads();
  const var::VarModel model = var::VarModel::load(var_path, choice.vae_path, patch_nums);
  const var::VarConfig& config = model.config();
  if (label >= config.num_classes)
    throw Error("--class " + std::to_string(label) + " is outside [0, " + std::to_string(config.num_classes) +
                ") for " + var_path + " (-1 = unconditional)");

  std::vector<std::vector<int64_t>> prefix;
  if (!prefix_path.empty()) {
    if (keep_scales > config.num_scales())
      throw Error("--keep-scales " + std::to_string(keep_scales) + " exceeds the model's " +
                  std::to_string(config.num_scales()) + " scales");
    const TokenFile tokens = read_token_file(prefix_path, config, false);
    // One row for all images, or one row per image.
    if (tokens.batch != 1 && tokens.batch != count)
      throw Error(prefix_path + ": holds " + std::to_string(tokens.batch) + " token rows; expected 1 or --count " +
                  std::to_string(count));
    for (long k = 0; k < keep_scales; ++k) {
      const int64_t n = config.scale_tokens(static_cast<int>(k));
      std::vector<int64_t> ids(static_cast<size_t>(count * n));
      for (long b = 0; b < count; ++b)
        for (int64_t j = 0; j < n; ++j) ids[b * n + j] = tokens.scales[k][(tokens.batch == 1 ? 0 : b) * n + j];
      prefix.push_back(std::move(ids));
    }
  }

  if (!out_dir.empty()) ensure_directory(out_dir);
  if (!scales_dir.empty()) ensure_directory(scales_dir);
  const std::string class_name = label < 0 ? std::string("uncond") : std::to_string(label);
  auto scale_png = [&](long index, int scale) {
    const std::string name = count == 1 ? "scale_" + std::to_string(scale) + ".png"
                                        : class_name + "_" + std::to_string(index) + "_scale_" +
                                              std::to_string(scale) + ".png";
    return join_path(scales_dir, name);
  };

  var::SamplerHooks hooks;
  hooks.context.attention = variant.get();
  hooks.decode_each_scale = !scales_dir.empty();
  auto last = std::chrono::steady_clock::now();
  const auto start = last;
  hooks.on_scale = [&](const var::ScaleReport& report) {
    const double ms = elapsed_ms_since(last);
    std::fprintf(stderr, "scale %d/%d  side %d  %.1f ms\n", report.scale + 1, report.num_scales, report.side, ms);
    if (report.image01)
      for (long b = 0; b < count; ++b) io::write_png(scale_png(b, report.scale), *report.image01, b);
    last = std::chrono::steady_clock::now();
    return true;
  };
  const std::vector<int64_t> labels(static_cast<size_t>(count), label);
  const var::SampleResult result = var::autoregressive_infer_cfg(model.transformer, model.vae, labels, options, hooks, prefix);
  std::fprintf(stderr, "decode  %.1f ms; total %.1f ms\n", elapsed_ms_since(last), elapsed_ms_since(start));

  for (long b = 0; b < count; ++b) {
    const std::string path = out.empty() ? join_path(out_dir, class_name + "_" + std::to_string(b) + ".png") : out;
    io::write_png(path, result.image01, b);
    std::printf("%s\n", path.c_str());
  }
  return 0;
}

}  // namespace

int command_generate(Args& args) {
  const ModelChoice model = model_flag(args);
  return model.is_flowar() ? flowar_generate(args, model) : var_generate(args, model);
}

}  // namespace vs::cli
