// varscope-cli encode: a user's image to its VQ-VAE token pyramid (var.md §2.5), plus the
// reconstruction from the first k scales for every k — what each scale carries. The output
// is a token file generate --prefix reads (and, given --class, replay too). With a FlowAR
// model (--model / --flowar) the image goes through its KL VAE instead: the latent pyramid
// (latent_pyramid.h) as "tokens_s<k>" and each scale's latent decoded.
#include <chrono>
#include <cstdio>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/flowar_cli_common.h"
#include "app/cli/model_cli_common.h"
#include "app/cli/var_cli_common.h"
#include "core/attention/pyramid.h"
#include "core/error.h"
#include "core/flowar/latent_pyramid.h"
#include "core/io/checkpoint.h"
#include "core/io/image_io.h"
#include "core/io/safetensors.h"
#include "core/nn/denormals.h"
#include "core/var/var_model.h"
#include "core/var/vqvae.h"

namespace vs::cli {

namespace {

int flowar_encode(Args& args, const ModelChoice& choice) {
  const std::string image_path = args.require("image");
  const std::string out_path = args.require("out");
  const std::string scales_dir = args.get("scales-dir", "");
  args.finish();

  const auto start = std::chrono::steady_clock::now();
  const FlowArPair pair = load_flowar_pair(choice);
  const flowar::FlowArConfig& config = pair.model.config;
  const int side = pair.vae.image_side(config.full_side());
  const Tensor image = io::read_image_square(image_path, side);  // (1, 3, S, S) in [-1, 1]
  const Tensor latent = pair.vae.encode_tokens(image);            // (1, C, n, n)
  const std::vector<Tensor> pyramid = flowar::latent_pyramid(latent, config.scales);
  std::string scales_text;
  for (size_t k = 0; k < config.scales.size(); ++k) scales_text += (k ? "," : "") + std::to_string(config.scales[k]);

  io::SafetensorsWriter writer;
  writer.set_metadata("kind", "flowar_tokens");
  writer.set_metadata("scales", scales_text);
  writer.set_metadata("image", image_path);
  writer.set_metadata("vae", choice.vae_path);
  writer.add("latent", latent);
  if (!scales_dir.empty()) {
    ensure_directory(scales_dir);
    Tensor input01 = image;
    for (float& x : input01.data) x = (x + 1.0f) * 0.5f;
    io::write_png(join_path(scales_dir, "input.png"), input01);
  }
  for (size_t k = 0; k < pyramid.size(); ++k) {
    writer.add("tokens_s" + std::to_string(k), pyramid[k]);
    if (!scales_dir.empty())
      io::write_png(join_path(scales_dir, "scale_" + std::to_string(k) + ".png"),
                    flowar::images_to_unit_range(flowar::decode_scale(pair.vae, pyramid[k], config.full_side())));
  }
  writer.write(out_path);
  std::printf("encoded %s (%d px, %zu scales, FlowAR latent %s) in %.1f ms -> %s\n", image_path.c_str(), side,
              pyramid.size(), latent.shape_str().c_str(), elapsed_ms_since(start), out_path.c_str());
  return 0;
}

}  // namespace

int command_encode(Args& args) {
  // A FlowAR model encodes with its KL VAE; a VAR model given the same way names its VQ-VAE.
  std::string vae_path;
  if (args.has("model") || args.has("flowar") || args.has("var")) {
    const ModelChoice choice = model_flag(args);
    if (choice.is_flowar()) return flowar_encode(args, choice);
    vae_path = choice.vae_path;
  } else {
    vae_path = args.require("vae");
  }
  const std::string image_path = args.require("image");
  const std::vector<int> patch_nums_given = patch_nums_flag(args);
  const std::string out_path = args.require("out");
  const std::string scales_dir = args.get("scales-dir", "");
  // With a class, the token file also carries `labels`, so `replay` re-renders and scores it.
  const long label = args.get_int("class", -2, -1, 1L << 30);
  args.finish();

  nn::flush_denormals_on_all_threads();
  const auto start = std::chrono::steady_clock::now();
  const io::Checkpoint ckpt = io::load_checkpoint(vae_path);
  const std::vector<int> patch_nums = var::vae_patch_nums(ckpt, patch_nums_given);
  const var::Vqvae vae = var::Vqvae::load(ckpt, patch_nums);
  const Tensor image = io::read_image_square(image_path, vae.image_side());  // (1, 3, S, S) in [-1, 1]

  std::vector<Tensor> fhats;
  const std::vector<std::vector<int64_t>> ids = vae.encode_ids(image, &fhats);
  std::string pn_text;
  for (size_t k = 0; k < patch_nums.size(); ++k) pn_text += (k ? "," : "") + std::to_string(patch_nums[k]);

  io::SafetensorsWriter writer;
  writer.set_metadata("patch_nums", pn_text);
  writer.set_metadata("image", image_path);
  writer.set_metadata("vae", vae_path);
  const int64_t L = attention::pyramid_tokens(patch_nums);
  writer.add_int64("ids", {1, L}, flatten_scales(ids, patch_nums, 1));
  if (label != -2) writer.add_int64("labels", {1}, {label});
  if (!scales_dir.empty()) {
    ensure_directory(scales_dir);
    Tensor input01 = image;
    for (float& x : input01.data) x = (x + 1.0f) * 0.5f;
    io::write_png(join_path(scales_dir, "input.png"), input01);
  }
  for (size_t k = 0; k < fhats.size(); ++k) {
    const Tensor recon = vae.decode_fhat_01(fhats[k]);  // (1, 3, S, S) in [0, 1]
    writer.add("recon_s" + std::to_string(k), recon);
    if (!scales_dir.empty()) io::write_png(join_path(scales_dir, "scale_" + std::to_string(k) + ".png"), recon);
  }
  writer.write(out_path);
  std::printf("encoded %s (%d px, %zu scales, %lld tokens) in %.1f ms -> %s\n", image_path.c_str(),
              vae.image_side(), patch_nums.size(), static_cast<long long>(L), elapsed_ms_since(start),
              out_path.c_str());
  return 0;
}

}  // namespace vs::cli
