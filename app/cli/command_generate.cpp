// varscope-cli generate: class-conditional sampling to PNG through the Generator, with a
// progress line per scale (and per Euler step for FlowAR) on stderr; optionally from a
// prefix (--prefix T --keep-scales k: the first k scales of an image's pyramid, as
// `encode` writes it).
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "app/cli/cli_files.h"
#include "app/cli/commands.h"
#include "app/cli/generation_progress.h"
#include "app/cli/sampling_flags.h"
#include "app/cli/stopwatch.h"
#include "core/accel/provenance.h"
#include "core/error.h"
#include "core/generator/accel_target.h"
#include "core/generator/describe.h"
#include "core/generator/generator.h"
#include "core/io/image_io.h"

namespace vs::cli {

int command_generate(Args& args) {
  const io::ModelRef ref = model_ref_flag(args);
  const std::vector<int> scales = patch_nums_flag(args);
  const long count = args.get_int("count", 1, 1, 256);
  const std::string out = args.get("out", "");
  const std::string out_dir = args.get("out-dir", "");
  const std::string scales_dir = args.get("scales-dir", "");
  const std::string prefix_path = args.get("prefix", "");
  const long keep_scales = args.get_int("keep-scales", -1, 0, 1 << 20);
  if (out.empty() == out_dir.empty()) throw Error("give exactly one of --out OUT.png and --out-dir DIR");
  if (!out.empty() && count != 1) throw Error("--out writes one image; use --out-dir with --count " + std::to_string(count));
  if (prefix_path.empty() != (keep_scales < 0)) throw Error("--prefix T.safetensors and --keep-scales k go together");

  const std::unique_ptr<gen::Generator> generator = gen::open_generator(ref, scales);
  gen::SamplingRequest request = sampling_flags(args, *generator, count);
  args.finish();
  if (!prefix_path.empty()) {
    request.prefix = read_prefix(prefix_path, generator->info(), int(keep_scales), count);
    request.keep_scales = int(keep_scales);
  }
  request.decode_each_scale = !scales_dir.empty();

  if (!out_dir.empty()) ensure_directory(out_dir);
  if (!scales_dir.empty()) ensure_directory(scales_dir);
  const long label = request.labels.front();
  const std::string class_name = label < 0 ? std::string("uncond") : std::to_string(label);
  auto scale_png = [&](long index, int scale) {
    const std::string name = count == 1 ? "scale_" + std::to_string(scale) + ".png"
                                        : class_name + "_" + std::to_string(index) + "_scale_" +
                                              std::to_string(scale) + ".png";
    return join_path(scales_dir, name);
  };
  std::fprintf(stderr, "%s (%s, %s weights): %s, seed %llu\n", generator->info().name.c_str(),
               gen::family_name(generator->info().family), precision_name(generator->info().precision),
               gen::describe_request(request).c_str(), (unsigned long long)request.seed);
  for (const std::string& line : accel::extrapolations(accel::parse_accel(request.accel), is_flowar(*generator)))
    std::fprintf(stderr, "note: %s\n", line.c_str());
  GenerationProgress progress(scale_png, count);
  const auto start = std::chrono::steady_clock::now();
  const gen::SampleResult result = generator->sample(request, &progress);
  std::fprintf(stderr, "total %.1f ms\n", elapsed_ms_since(start));

  for (long b = 0; b < count; ++b) {
    const std::string path = out.empty() ? join_path(out_dir, class_name + "_" + std::to_string(b) + ".png") : out;
    io::write_png(path, result.image01, b);
    std::printf("%s\n", path.c_str());
  }
  return 0;
}

}  // namespace vs::cli
