#include "core/var/vqvae.h"

#include <algorithm>

#include "core/error.h"
#include "core/nn/activations.h"

namespace vs::var {
namespace {

// Largest image side accepted by encode/decode; larger requests are refused before any
// allocation (a 4096 px decode with the official VAE already needs ~2.7 GB per map).
constexpr int64_t kMaxImageSide = 4096;

std::string at(const char* part, int level, const char* kind, int index) {
  return std::string(part) + "." + std::to_string(level) + "." + kind + "." + std::to_string(index);
}

Tensor norm_silu(const nn::GroupNorm& norm, const Tensor& x) {
  Tensor h = norm.forward(x);
  nn::silu_inplace(h);
  return h;
}

}  // namespace

Encoder Encoder::load(io::WeightReader& params, const VqvaeConfig& c) {
  Encoder e;
  const auto same = nn::Conv2dPadding::same(1);
  e.conv_in = nn::load_conv(params, "encoder.conv_in", c.in_channels, c.ch, 3, 1, same);
  int block_in = c.ch;
  for (int l = 0; l < c.num_levels(); ++l) {
    Level level;
    const int block_out = c.width(l);
    for (int i = 0; i < c.num_res_blocks; ++i) {
      level.block.push_back(nn::ResnetBlock::load(params, at("encoder.down", l, "block", i), block_in, block_out));
      block_in = block_out;
      if (c.encoder_attn[l])
        level.attn.push_back(nn::AttnBlock::load(params, at("encoder.down", l, "attn", i), block_in));
    }
    level.has_downsample = l != c.num_levels() - 1;
    if (level.has_downsample)
      level.downsample = nn::Downsample2x::load(params, "encoder.down." + std::to_string(l) + ".downsample", block_in);
    e.down.push_back(std::move(level));
  }
  e.mid_block_1 = nn::ResnetBlock::load(params, "encoder.mid.block_1", block_in, block_in);
  e.has_mid_attn = c.encoder_mid_attn;
  if (e.has_mid_attn) e.mid_attn_1 = nn::AttnBlock::load(params, "encoder.mid.attn_1", block_in);
  e.mid_block_2 = nn::ResnetBlock::load(params, "encoder.mid.block_2", block_in, block_in);
  e.norm_out = nn::load_group_norm(params, "encoder.norm_out", block_in);
  e.conv_out = nn::load_conv(params, "encoder.conv_out", block_in, c.z_channels, 3, 1, same);
  return e;
}

Tensor Encoder::forward(const Tensor& img) const {
  Tensor h = conv_in.forward(img);
  for (const Level& level : down) {
    for (size_t i = 0; i < level.block.size(); ++i) {
      h = level.block[i].forward(h);
      if (!level.attn.empty()) h = level.attn[i].forward(h);
    }
    if (level.has_downsample) h = level.downsample.forward(h);
  }
  h = mid_block_1.forward(h);
  if (has_mid_attn) h = mid_attn_1.forward(h);
  h = mid_block_2.forward(h);
  return conv_out.forward(norm_silu(norm_out, h));
}

Decoder Decoder::load(io::WeightReader& params, const VqvaeConfig& c) {
  Decoder d;
  const auto same = nn::Conv2dPadding::same(1);
  int block_in = c.width(c.num_levels() - 1);
  d.conv_in = nn::load_conv(params, "decoder.conv_in", c.z_channels, block_in, 3, 1, same);
  d.mid_block_1 = nn::ResnetBlock::load(params, "decoder.mid.block_1", block_in, block_in);
  d.has_mid_attn = c.decoder_mid_attn;
  if (d.has_mid_attn) d.mid_attn_1 = nn::AttnBlock::load(params, "decoder.mid.attn_1", block_in);
  d.mid_block_2 = nn::ResnetBlock::load(params, "decoder.mid.block_2", block_in, block_in);
  d.up.resize(c.num_levels());
  for (int l = c.num_levels() - 1; l >= 0; --l) {
    Level& level = d.up[l];
    const int block_out = c.width(l);
    for (int i = 0; i < c.num_res_blocks + 1; ++i) {
      level.block.push_back(nn::ResnetBlock::load(params, at("decoder.up", l, "block", i), block_in, block_out));
      block_in = block_out;
      if (c.decoder_attn[l])
        level.attn.push_back(nn::AttnBlock::load(params, at("decoder.up", l, "attn", i), block_in));
    }
    level.has_upsample = l != 0;
    if (level.has_upsample)
      level.upsample = nn::Upsample2x::load(params, "decoder.up." + std::to_string(l) + ".upsample", block_in);
  }
  d.norm_out = nn::load_group_norm(params, "decoder.norm_out", block_in);
  d.conv_out = nn::load_conv(params, "decoder.conv_out", block_in, c.in_channels, 3, 1, same);
  return d;
}

Tensor Decoder::forward(const Tensor& z) const {
  Tensor h = mid_block_1.forward(conv_in.forward(z));
  if (has_mid_attn) h = mid_attn_1.forward(h);
  h = mid_block_2.forward(h);
  for (int l = static_cast<int>(up.size()) - 1; l >= 0; --l) {  // executed from the lowest resolution
    const Level& level = up[l];
    for (size_t i = 0; i < level.block.size(); ++i) {
      h = level.block[i].forward(h);
      if (!level.attn.empty()) h = level.attn[i].forward(h);
    }
    if (level.has_upsample) h = level.upsample.forward(h);
  }
  return conv_out.forward(norm_silu(norm_out, h));
}

Vqvae Vqvae::load(const io::Checkpoint& ckpt, const std::vector<int>& patch_nums) {
  return load_from(ckpt, nullptr, patch_nums);
}

Vqvae Vqvae::load(io::Checkpoint&& ckpt, const std::vector<int>& patch_nums) {
  return load_from(ckpt, &ckpt, patch_nums);
}

Vqvae Vqvae::load_from(const io::Checkpoint& ckpt, io::Checkpoint* take_from, const std::vector<int>& patch_nums) {
  Vqvae v;
  v.config = VqvaeConfig::infer(ckpt);
  io::WeightReader params = take_from ? io::WeightReader(*take_from) : io::WeightReader(ckpt);
  v.encoder = Encoder::load(params, v.config);
  v.decoder = Decoder::load(params, v.config);
  const int z = v.config.z_channels, ks = v.config.quant_conv_ks;
  v.quant_conv = nn::load_conv(params, "quant_conv", z, z, ks, 1, nn::Conv2dPadding::same(ks / 2));
  v.post_quant_conv = nn::load_conv(params, "post_quant_conv", z, z, ks, 1, nn::Conv2dPadding::same(ks / 2));
  v.quantize = Quantizer::load(params, patch_nums);
  params.finish("the VQ-VAE", "is this a VAR VQ-VAE checkpoint?");
  return v;
}

Tensor Vqvae::encode_features(const Tensor& img) const {
  const int64_t f = config.downsample_factor();
  if (img.rank() != 4 || img.dim(1) != config.in_channels || img.dim(2) < f || img.dim(3) < f ||
      img.dim(2) % f != 0 || img.dim(3) % f != 0 || img.dim(2) > kMaxImageSide || img.dim(3) > kMaxImageSide)
    throw Error("VQ-VAE encode: image must be (B, " + std::to_string(config.in_channels) +
                ", H, W) with H, W multiples of " + std::to_string(f) + " up to " + std::to_string(kMaxImageSide) +
                ", found " + img.shape_str());
  return quant_conv.forward(encoder.forward(img));
}

std::vector<std::vector<int64_t>> Vqvae::encode_ids(const Tensor& img, std::vector<Tensor>* fhats) const {
  if (img.rank() == 4 && (img.dim(2) != image_side() || img.dim(3) != image_side()))
    throw Error("VQ-VAE encode: patch_nums end at " + std::to_string(quantize.latent_side()) + ", so the image must be " +
                std::to_string(image_side()) + "x" + std::to_string(image_side()) + ", found " + img.shape_str());
  return quantize.encode_ids(encode_features(img), fhats);
}

Tensor Vqvae::decode_fhat(const Tensor& f_hat) const {
  const int64_t f = config.downsample_factor();
  if (f_hat.rank() != 4 || f_hat.dim(1) != config.z_channels || f_hat.dim(2) < 1 || f_hat.dim(3) < 1 ||
      f_hat.dim(2) * f > kMaxImageSide || f_hat.dim(3) * f > kMaxImageSide)
    throw Error("VQ-VAE decode: f_hat must be (B, " + std::to_string(config.z_channels) +
                ", h, w) with h, w at most " + std::to_string(kMaxImageSide / f) + ", found " + f_hat.shape_str());
  Tensor img = decoder.forward(post_quant_conv.forward(f_hat));
  for (float& x : img.data) x = std::clamp(x, -1.0f, 1.0f);
  return img;
}

Tensor Vqvae::decode_fhat_01(const Tensor& f_hat) const {
  Tensor img = decode_fhat(f_hat);
  for (float& x : img.data) x = (x + 1.0f) * 0.5f;
  return img;
}

Tensor Vqvae::decode_ids(const std::vector<std::vector<int64_t>>& ids, int batch) const {
  return decode_fhat(quantize.ids_to_fhats(ids, batch).back());
}

}  // namespace vs::var
