// varscope-cli generate for FlowAR checkpoints: class-conditional sampling to PNG
// (raw decoder output → clamp((x + 1) / 2) → 8 bit), with a progress line per scale and
// per Euler step on stderr; optionally from a prefix (--prefix T --keep-scales k: the
// first k scales of an image's latent pyramid, as `encode --model <FlowAR>` writes it).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "app/cli/flowar_cli_common.h"
#include "app/cli/flowar_commands.h"
#include "app/cli/var_cli_common.h"
#include "core/error.h"
#include "core/io/image_io.h"

namespace vs::cli {

int flowar_generate(Args& args, const ModelChoice& choice) {
  std::vector<std::string> var_only;  // prefix generation is FlowAR's too
  for (const std::string& flag : kVarOnlyFlags)
    if (flag != "prefix" && flag != "keep-scales") var_only.push_back(flag);
  reject_foreign_flags(args, var_only, choice, std::string(kFlowArOptionsHint) + ", --prefix, --keep-scales");
  const long label = args.get_int("class", -2, -1, 1L << 30);
  flowar::FlowArSamplingOptions options = flowar_sampling_flags(args);
  options.seed = static_cast<uint64_t>(args.get_int("seed", 0, 0, std::numeric_limits<long>::max()));
  const std::unique_ptr<attention::Variant> variant = attention_flag(args);
  const long count = args.get_int("count", 1, 1, 256);
  const std::string out = args.get("out", "");
  const std::string out_dir = args.get("out-dir", "");
  const std::string scales_dir = args.get("scales-dir", "");
  const std::string prefix_path = args.get("prefix", "");
  const long keep_scales = args.get_int("keep-scales", -1, 0, 1 << 20);
  args.finish();
  if (prefix_path.empty() != (keep_scales < 0)) throw Error("--prefix T.safetensors and --keep-scales k go together");

  if (label == -2) throw Error("missing required flag --class (0..classes-1, or -1 for unconditional)");
  if (out.empty() == out_dir.empty()) throw Error("give exactly one of --out OUT.png and --out-dir DIR");
  if (!out.empty() && count != 1) throw Error("--out writes one image; use --out-dir with --count " + std::to_string(count));

  const FlowArPair pair = load_flowar_pair(choice);
  const flowar::FlowArConfig& config = pair.model.config;
  if (label >= config.num_classes)
    throw Error("--class " + std::to_string(label) + " is outside [0, " + std::to_string(config.num_classes) +
                ") for " + choice.model_path + " (-1 = unconditional)");
  if (!prefix_path.empty()) {
    options.prefix = read_flowar_prefix(prefix_path, config, int(keep_scales), count);
    options.keep_scales = int(keep_scales);
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

  flowar::FlowArSamplerHooks hooks;
  use_attention(hooks, variant.get());
  hooks.decode_each_scale = !scales_dir.empty();
  // On a terminal the step lines overwrite each other; in a log every step keeps its line.
  const bool terminal = isatty(fileno(stderr));
  auto last = std::chrono::steady_clock::now();
  const auto start = last;
  hooks.on_step = [&](int scale, int step, int steps) {
    std::fprintf(stderr, "%sscale %d/%d  step %d/%d%s", terminal ? "\r" : "", scale + 1, config.num_scales(), step,
                 steps, terminal ? "" : "\n");
    std::fflush(stderr);
  };
  hooks.on_scale = [&](const flowar::FlowArScaleReport& report) {
    std::fprintf(stderr, "%sscale %d/%d  side %d  %.1f ms\n", terminal ? "\r" : "", report.scale + 1,
                 report.num_scales, report.side, elapsed_ms_since(last));
    if (report.image) {
      const Tensor image01 = flowar::images_to_unit_range(*report.image);
      for (long b = 0; b < count; ++b) io::write_png(scale_png(b, report.scale), image01, b);
    }
    last = std::chrono::steady_clock::now();
    return true;
  };
  const std::vector<int64_t> labels(static_cast<size_t>(count), label);
  const flowar::FlowArSampleResult result = flowar::sample_flowar(pair.model, labels, options, hooks, &pair.vae);
  std::fprintf(stderr, "decode  %.1f ms; total %.1f ms\n", elapsed_ms_since(last), elapsed_ms_since(start));

  const Tensor image01 = flowar::images_to_unit_range(result.image);
  for (long b = 0; b < count; ++b) {
    const std::string path = out.empty() ? join_path(out_dir, class_name + "_" + std::to_string(b) + ".png") : out;
    io::write_png(path, image01, b);
    std::printf("%s\n", path.c_str());
  }
  return 0;
}

}  // namespace vs::cli
