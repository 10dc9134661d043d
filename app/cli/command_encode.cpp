// varscope-cli encode: a user's image to its model's pyramid (gen::Tokenizer: VAR's VQ-VAE
// token ids, var.md §2.5; FlowAR's KL VAE latent pyramid, latent_pyramid.h), plus each
// scale's picture (recon_s<k>, and PNGs with --scales-dir) — what each scale carries. The
// output is the token file `generate --prefix` reads (sampling_flags.h: VAR `ids` [1, L],
// FlowAR `tokens_s<k>` (1, s², C)); with --class it also holds `labels`, so `replay`
// re-renders and scores VAR token ids.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "app/cli/cli_files.h"
#include "app/cli/commands.h"
#include "app/cli/sampling_flags.h"
#include "app/cli/stopwatch.h"
#include "core/error.h"
#include "core/generator/tokenizer.h"
#include "core/io/image_io.h"
#include "core/io/safetensors.h"

namespace vs::cli {

namespace {

// The pyramid as the token file holds it: scales of token ids concatenated into `ids`
// [1, L], scales of latent tokens as `tokens_s<k>`.
void add_pyramid(io::SafetensorsWriter& writer, const gen::Pyramid& pyramid) {
  std::vector<int64_t> ids;
  for (size_t k = 0; k < pyramid.size(); ++k) {
    ids.insert(ids.end(), pyramid[k].ids.begin(), pyramid[k].ids.end());
    if (pyramid[k].latent.numel() > 0) writer.add("tokens_s" + std::to_string(k), pyramid[k].latent);
  }
  if (!ids.empty()) writer.add_int64("ids", {1, static_cast<int64_t>(ids.size())}, ids);
}

}  // namespace

int command_encode(Args& args) {
  const bool model_given = args.has("model") || args.has("var") || args.has("flowar");
  const io::ModelRef ref = model_given ? model_ref_flag(args) : io::ModelRef{};
  const std::string vae_path = model_given ? std::string() : args.require("vae");
  const std::vector<int> scales_flag = patch_nums_flag(args);
  const std::string image_path = args.require("image");
  const io::SquareFit fit = io::parse_square_fit(args.get("fit", "crop"), "--fit");
  const std::string out_path = args.require("out");
  const std::string scales_dir = args.get("scales-dir", "");
  const long label = args.get_int("class", -2, -1, 1L << 30);
  args.finish();

  const auto start = std::chrono::steady_clock::now();
  const std::unique_ptr<gen::Tokenizer> tokenizer =
      model_given ? gen::open_tokenizer(ref, scales_flag) : gen::open_tokenizer(vae_path, scales_flag);
  const std::vector<int>& scales = tokenizer->scales();
  const Tensor image = io::read_image_square(image_path, tokenizer->image_side(), fit);  // (1, 3, S, S) in [-1, 1]
  const gen::Pyramid pyramid = tokenizer->encode(image);
  std::string scales_text;
  int64_t tokens = 0;
  for (size_t k = 0; k < scales.size(); ++k) {
    scales_text += (k ? "," : "") + std::to_string(scales[k]);
    tokens += int64_t(scales[k]) * scales[k];
  }

  io::SafetensorsWriter writer;
  writer.set_metadata("scales", scales_text);
  writer.set_metadata("image", image_path);
  writer.set_metadata("vae", tokenizer->path());
  add_pyramid(writer, pyramid);
  if (label != -2) writer.add_int64("labels", {1}, {label});
  if (!scales_dir.empty()) {
    ensure_directory(scales_dir);
    Tensor input01 = image;
    for (float& x : input01.data) x = (x + 1.0f) * 0.5f;
    io::write_png(join_path(scales_dir, "input.png"), input01);
  }
  for (size_t k = 0; k < pyramid.size(); ++k) {
    const Tensor recon = tokenizer->decode_scale(pyramid, static_cast<int>(k));  // (1, 3, S, S) in [0, 1]
    writer.add("recon_s" + std::to_string(k), recon);
    if (!scales_dir.empty()) io::write_png(join_path(scales_dir, "scale_" + std::to_string(k) + ".png"), recon);
  }
  writer.write(out_path);
  std::printf("encoded %s (%d px, %zu scales, %lld tokens) in %.1f ms -> %s\n", image_path.c_str(),
              tokenizer->image_side(), pyramid.size(), static_cast<long long>(tokens), elapsed_ms_since(start),
              out_path.c_str());
  return 0;
}

}  // namespace vs::cli
