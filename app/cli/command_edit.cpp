// varscope-cli edit: zero-shot in-painting, out-painting and class-conditional editing
// (VAR's edit demo; FlowAR by VARScope's extension, core/edit): the image is encoded to its
// pyramid, a mask (a painted PNG, white = generate, or a box in fractions of the image)
// says what to keep, and every scale is sampled with the kept tokens taken from the image.
#include <chrono>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "app/cli/cli_files.h"
#include "app/cli/commands.h"
#include "app/cli/generation_progress.h"
#include "app/cli/sampling_flags.h"
#include "app/cli/stopwatch.h"
#include "core/edit/edit_defaults.h"
#include "core/edit/edit_mask.h"
#include "core/error.h"
#include "core/number_text.h"
#include "core/generator/describe.h"
#include "core/io/image_io.h"

namespace vs::cli {

namespace {

// --box y0,x0,y1,x1: four fractions of the image.
std::vector<double> parse_box(const std::string& text) {
  std::vector<double> values;
  for (const std::string& item : split_items(text)) {
    const std::optional<double> v = parse_whole_double(item);
    if (!v) throw Error("--box " + text + ": expected four numbers y0,x0,y1,x1");
    values.push_back(*v);
  }
  if (values.size() != 4) throw Error("--box " + text + ": expected four numbers y0,x0,y1,x1 (fractions of the image)");
  return values;
}

// The mask picture shown beside the result: kept tokens as the image, generated ones dark.
Tensor kept_region_picture(const Tensor& image01, const std::vector<float>& keep, int side) {
  Tensor out = image01;
  const int64_t S = out.dim(2);
  for (int64_t y = 0; y < S; ++y)
    for (int64_t x = 0; x < S; ++x)
      if (keep[(y * side / S) * side + x * side / S] < 0.5f)
        for (int c = 0; c < 3; ++c) out.data[(c * S + y) * S + x] *= 0.25f;
  return out;
}

}  // namespace

int command_edit(Args& args) {
  const io::ModelRef ref = model_ref_flag(args);
  const std::string image_path = args.require("image");
  const io::SquareFit fit = io::parse_square_fit(args.get("fit", "crop"), "--fit");
  const std::string mask_path = args.get("mask", "");
  const std::string box_text = args.get("box", "");
  const bool outpaint = args.flag("outpaint");
  const bool no_smooth = args.flag("no-more-smooth");
  const long count = args.get_int("count", 1, 1, 64);
  const std::string out = args.get("out", "");
  const std::string out_dir = args.get("out-dir", "");
  const std::string scales_dir = args.get("scales-dir", "");
  if (mask_path.empty() == box_text.empty()) throw Error("give exactly one of --mask MASK.png and --box y0,x0,y1,x1");
  if (out.empty() == out_dir.empty()) throw Error("give exactly one of --out OUT.png and --out-dir DIR");
  if (!out.empty() && count != 1) throw Error("--out writes one image; use --out-dir with --count " + std::to_string(count));
  const std::vector<double> box = box_text.empty() ? std::vector<double>{} : parse_box(box_text);

  const std::unique_ptr<gen::Generator> generator = gen::open_generator(ref, patch_nums_flag(args));
  const gen::ModelInfo& info = generator->info();
  gen::SamplingRequest request = gen::edit_defaults(generator->default_request());
  const long label = args.get_int("class", -1, -1, 1L << 30);
  if (label >= info.num_classes)
    throw Error("--class " + std::to_string(label) + " is outside [0, " + std::to_string(info.num_classes) + ") for " +
                info.model_path + " (-1 = unconditional: in- and out-painting)");
  request.labels.assign(size_t(count), label);
  request.seed = static_cast<uint64_t>(args.get_int("seed", 0, 0, std::numeric_limits<long>::max()));
  read_sampling_options(args, info, request);
  if (auto* var = std::get_if<gen::VarExtra>(&request.extra); var && no_smooth) var->more_smooth = false;
  args.finish();

  const int last = info.scales.back();
  const Tensor image = io::read_image_square(image_path, info.image_side, fit);  // (1, 3, S, S) in [-1, 1]
  request.edit.keep = box.empty() ? gen::keep_mask_from_picture(io::read_image_square(mask_path, last, fit), outpaint)
                                  : gen::box_keep_mask(last, box[0], box[1], box[2], box[3], outpaint);
  int kept = 0;
  for (float v : request.edit.keep) kept += v > 0.5f;
  if (kept == 0 || kept == last * last)
    std::fprintf(stderr, "note: the mask %s every token of the last scale\n", kept == 0 ? "generates" : "keeps");
  request.edit.image = generator->encode(image);
  request.decode_each_scale = !scales_dir.empty();

  if (!out_dir.empty()) ensure_directory(out_dir);
  if (!scales_dir.empty()) ensure_directory(scales_dir);
  const std::string task = label >= 0 ? "class " + std::to_string(label) : outpaint ? "out-painting" : "in-painting";
  std::fprintf(stderr, "%s (%s): editing %s, %s, %d of %d last-scale tokens kept; %s, seed %llu\n", info.name.c_str(),
               gen::family_name(info.family), image_path.c_str(), task.c_str(), kept, last * last,
               gen::describe_request(request).c_str(), (unsigned long long)request.seed);
  auto scale_png = [&](long index, int scale) {
    return join_path(scales_dir, (count == 1 ? std::string() : std::to_string(index) + "_") + "scale_" +
                                     std::to_string(scale) + ".png");
  };
  if (!scales_dir.empty()) {
    Tensor input01 = image;
    for (float& x : input01.data) x = (x + 1.0f) * 0.5f;
    io::write_png(join_path(scales_dir, "input.png"), input01);
    io::write_png(join_path(scales_dir, "kept.png"), kept_region_picture(input01, request.edit.keep, last));
  }
  GenerationProgress progress(scale_png, count);
  const auto start = std::chrono::steady_clock::now();
  const gen::SampleResult result = generator->sample(request, &progress);
  std::fprintf(stderr, "total %.1f ms\n", elapsed_ms_since(start));
  for (long b = 0; b < count; ++b) {
    const std::string path = out.empty() ? join_path(out_dir, "edit_" + std::to_string(b) + ".png") : out;
    io::write_png(path, result.image01, b);
    std::printf("%s\n", path.c_str());
  }
  return 0;
}

}  // namespace vs::cli
