// MAR's KL-16 autoencoder, FlowAR's tokenizer (flowar.md §2), with the LDM module tree's
// names so every parameter's key is its checkpoint key ("decoder.mid.attn_1.q.weight").
//
// Units: images are (B, 3, H, W) in [-1, 1]. The VAE's own latent ("latent") is
// (B, embed_dim, H/16, W/16); FlowAR's tokens are that latent times scale_factor 0.2325
// (std about 1), channel-first (B, 16, h, w) here. The AR model and its sampler work in
// tokens, so they call decode_tokens; decode_raw is for a latent already divided by 0.2325.
#pragma once
#include <string>
#include <vector>

#include "core/flowar/kl_vae_config.h"
#include "core/io/checkpoint.h"
#include "core/nn/conv2d.h"
#include "core/nn/group_norm.h"
#include "core/nn/vae_blocks.h"
#include "core/tensor.h"

namespace vs::flowar {

// LDM AttnBlock: single head over all H*W positions, separate 1x1 q, k, v convs (VAR's
// VQ-VAE fuses them into one qkv conv, so var::AttnBlock does not fit), scale C^-0.5,
// then x + proj_out(h).
struct KlAttnBlock {
  nn::GroupNorm norm;   // (C)
  nn::Conv2d q, k, v;   // (C, C, 1, 1) each
  nn::Conv2d proj_out;  // (C, C, 1, 1)

  static KlAttnBlock load(io::WeightReader& params, const std::string& prefix, int channels);
  Tensor forward(const Tensor& x) const;
};

// LDM Encoder with double_z: conv_in, levels of ResnetBlocks (+ AttnBlocks where the
// config says) with Downsample2x between them, mid (block, attn, block), GroupNorm, SiLU,
// conv_out to 2 * z channels (mean and log-variance).
struct KlEncoder {
  struct Level {
    std::vector<nn::ResnetBlock> block;  // encoder.down.{l}.block.{i}, num_res_blocks
    std::vector<KlAttnBlock> attn;        // encoder.down.{l}.attn.{i}, empty or one per block
    bool has_downsample = false;
    nn::Downsample2x downsample;         // encoder.down.{l}.downsample, all levels but the last
  };
  nn::Conv2d conv_in;                         // (ch, 3, 3, 3)
  std::vector<Level> down;
  nn::ResnetBlock mid_block_1, mid_block_2;  // encoder.mid.block_{1,2}, top width
  KlAttnBlock mid_attn_1;                     // encoder.mid.attn_1
  nn::GroupNorm norm_out;                     // (top width)
  nn::Conv2d conv_out;                        // (2 z, top width, 3, 3)

  static KlEncoder load(io::WeightReader& params, const KlVaeConfig& config);
  Tensor forward(const Tensor& img) const;
};

// LDM Decoder as MAR configures it: attention in the mid block only (attn_resolutions
// empty, §2); levels run from the last to 0 with num_res_blocks + 1 ResnetBlocks each and
// Upsample2x after every level but 0. up[l] is state-dict index l.
struct KlDecoder {
  struct Level {
    std::vector<nn::ResnetBlock> block;  // decoder.up.{l}.block.{i}
    bool has_upsample = false;
    nn::Upsample2x upsample;             // decoder.up.{l}.upsample, all levels but 0
  };
  nn::Conv2d conv_in;                         // (top width, z, 3, 3)
  nn::ResnetBlock mid_block_1, mid_block_2;  // decoder.mid.block_{1,2}
  KlAttnBlock mid_attn_1;                     // decoder.mid.attn_1
  std::vector<Level> up;
  nn::GroupNorm norm_out;                     // (ch * ch_mult[0])
  nn::Conv2d conv_out;                        // (3, ch * ch_mult[0], 3, 3)

  static KlDecoder load(io::WeightReader& params, const KlVaeConfig& config);
  Tensor forward(const Tensor& z) const;
};

// DiagonalGaussianDistribution of the encoder's moments, each (B, embed_dim, h, w).
struct KlPosterior {
  Tensor mean;
  Tensor logvar;  // clamped to [-30, 20] as the reference does

  // mean + exp(logvar / 2) * noise; noise has the shape of mean (standard normal).
  // MAR trains on posterior.sample() * 0.2325 (§2); re-encoding for display uses the mean.
  Tensor sample(const Tensor& noise) const;
};

struct KlVae {
  KlVaeConfig config;
  KlEncoder encoder;
  KlDecoder decoder;
  nn::Conv2d quant_conv;       // (2 embed_dim, 2 z, 1, 1)
  nn::Conv2d post_quant_conv;  // (z, embed_dim, 1, 1)

  // Infers the config from shapes and loads every tensor. A missing tensor, a wrong shape
  // or a key the model does not use is a vs::Error naming the file and the key; a VAR
  // VQ-VAE or a transformer checkpoint is refused with a hint.
  static KlVae load(const io::Checkpoint& ckpt);
  // load_checkpoint(path) (kl16.ckpt with its state under "model", or safetensors) + load.
  static KlVae load(const std::string& path);

  // Image side for a latent side: 16 px per latent cell with the official layout.
  int image_side(int latent_side) const { return latent_side * config.downsample_factor(); }

  // img (B, 3, H, W) in [-1, 1], H and W multiples of 16 -> posterior over the latent.
  KlPosterior encode(const Tensor& img) const;
  // Deterministic re-encoding into FlowAR's token space: posterior mean * scale_factor,
  // (B, embed_dim, H/16, W/16).
  Tensor encode_tokens(const Tensor& img) const;

  // decoder(post_quant_conv(latent)): latent (B, embed_dim, h, w) ALREADY divided by
  // scale_factor -> (B, 3, 16h, 16w), raw (not clamped; nominally [-1, 1]).
  Tensor decode_raw(const Tensor& latent) const;
  // FlowAR's final step: decode_raw(tokens / scale_factor); tokens (B, embed_dim, h, w)
  // channel-first, as the sampler's last scale gives them. Raw, not clamped.
  Tensor decode_tokens(const Tensor& tokens) const;

 private:
  // take_from: the same checkpoint, owned by the caller, whose tensors are moved out.
  static KlVae load_from(const io::Checkpoint& ckpt, io::Checkpoint* take_from);
};

// The reference's image mapping: clamp((x + 1) / 2, 0, 1), same shape.
Tensor images_to_unit_range(const Tensor& img);

// Token layout (§3): the sampler holds a scale as rows (B, h*w, C), row index = y*w + x;
// the VAE takes channel-first maps (B, C, h, w). These convert between the two.
Tensor token_rows_to_channel_first(const Tensor& rows_BNC, int h, int w);
Tensor channel_first_to_token_rows(const Tensor& map_BChw);

}  // namespace vs::flowar
