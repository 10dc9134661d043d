// VAR's VQ-VAE (var.md §2): Encoder, Decoder, quant_conv, post_quant_conv and the
// multi-scale quantizer, with the PyTorch module tree's names. Images are (B, 3, H, W) in
// [-1, 1]; latents (B, Cvae, H/16, W/16) for the official 5-level VAE.
#pragma once
#include <cstdint>
#include <vector>

#include "core/io/checkpoint.h"
#include "core/nn/conv2d.h"
#include "core/nn/group_norm.h"
#include "core/nn/vae_blocks.h"
#include "core/var/quantizer.h"
#include "core/var/vqvae_config.h"

namespace vs::var {

// §2.2: conv_in, levels of ResnetBlocks (+ AttnBlocks) with Downsample2x between them,
// mid (block, attn, block), GroupNorm, SiLU, conv_out.
struct Encoder {
  struct Level {
    std::vector<nn::ResnetBlock> block;  // encoder.down.{l}.block.{i}
    std::vector<nn::AttnBlock> attn;     // encoder.down.{l}.attn.{i}, empty or one per block
    bool has_downsample = false;
    nn::Downsample2x downsample;         // encoder.down.{l}.downsample, all levels but the last
  };
  nn::Conv2d conv_in;                // (ch, 3, 3, 3)
  std::vector<Level> down;
  nn::ResnetBlock mid_block_1, mid_block_2;  // encoder.mid.block_{1,2}
  bool has_mid_attn = true;
  nn::AttnBlock mid_attn_1;              // encoder.mid.attn_1
  nn::GroupNorm norm_out;            // (ch * ch_mult.back())
  nn::Conv2d conv_out;               // (z, ch * ch_mult.back(), 3, 3)

  static Encoder load(io::WeightReader& params, const VqvaeConfig& config);
  Tensor forward(const Tensor& img) const;
};

// §2.3: conv_in, mid, levels executed from the last to level 0 with Upsample2x, norm_out,
// SiLU, conv_out. up[l] is state-dict index l.
struct Decoder {
  struct Level {
    std::vector<nn::ResnetBlock> block;  // decoder.up.{l}.block.{i}, num_res_blocks + 1
    std::vector<nn::AttnBlock> attn;     // decoder.up.{l}.attn.{i}
    bool has_upsample = false;
    nn::Upsample2x upsample;             // decoder.up.{l}.upsample, all levels but 0
  };
  nn::Conv2d conv_in;                // (ch * ch_mult.back(), z, 3, 3)
  nn::ResnetBlock mid_block_1, mid_block_2;
  bool has_mid_attn = true;
  nn::AttnBlock mid_attn_1;
  std::vector<Level> up;
  nn::GroupNorm norm_out;            // (ch * ch_mult[0])
  nn::Conv2d conv_out;               // (3, ch * ch_mult[0], 3, 3)

  static Decoder load(io::WeightReader& params, const VqvaeConfig& config);
  Tensor forward(const Tensor& z) const;
};

struct Vqvae {
  VqvaeConfig config;
  Encoder encoder;
  Decoder decoder;
  nn::Conv2d quant_conv;       // (z, z, ks, ks)
  nn::Conv2d post_quant_conv;  // (z, z, ks, ks)
  Quantizer quantize;

  // Infers the config from shapes and loads every tensor; a missing tensor, a wrong shape
  // or a key the model does not use is a vs::Error naming the file and the key.
  // patch_nums.back() is the latent side (16 for 256 px with the official VAE).
  static Vqvae load(const io::Checkpoint& ckpt, const std::vector<int>& patch_nums);
  // The same, moving the tensors out of a checkpoint the caller gives up (no second copy).
  static Vqvae load(io::Checkpoint&& ckpt, const std::vector<int>& patch_nums);

  int image_side() const { return quantize.latent_side() * config.downsample_factor(); }

  // quant_conv(encoder(img)): img (B, 3, H, W) in [-1, 1] -> f (B, Cvae, H/f, W/f).
  Tensor encode_features(const Tensor& img) const;
  // Token-id pyramid of an image whose side is image_side() (§2.5 encoding).
  std::vector<std::vector<int64_t>> encode_ids(const Tensor& img, std::vector<Tensor>* fhats = nullptr) const;
  // fhat_to_img: clamp(decoder(post_quant_conv(f_hat)), -1, 1) -> (B, 3, H, W).
  Tensor decode_fhat(const Tensor& f_hat) const;
  // The same mapped to [0, 1] as the sampler returns it: (img + 1) / 2.
  Tensor decode_fhat_01(const Tensor& f_hat) const;
  // embed_to_fhat of an id pyramid, then decode_fhat.
  Tensor decode_ids(const std::vector<std::vector<int64_t>>& ids, int batch) const;

 private:
  static Vqvae load_from(const io::Checkpoint& ckpt, io::Checkpoint* take_from, const std::vector<int>& patch_nums);
};

}  // namespace vs::var
