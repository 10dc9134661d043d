#include "core/var/vqvae_config.h"

#include "core/error.h"
#include "core/printable.h"

namespace vs::var {
namespace {

const Tensor& require(const io::Checkpoint& ckpt, const std::string& key, int rank) {
  if (!ckpt.has(key))
    throw Error(ckpt.path + ": missing tensor " + printable_name(key) + " — is this a VAR VQ-VAE checkpoint?");
  const Tensor& t = ckpt.get(key);
  if (t.rank() != rank)
    throw Error(ckpt.path + ": tensor " + printable_name(key) + " has shape " + t.shape_str() + ", expected rank " +
                std::to_string(rank));
  return t;
}

std::string level_key(const char* part, int level, const std::string& rest) {
  return std::string(part) + "." + std::to_string(level) + "." + rest;
}

}  // namespace

VqvaeConfig VqvaeConfig::infer(const io::Checkpoint& ckpt) {
  VqvaeConfig c;
  const Tensor& conv_in = require(ckpt, "encoder.conv_in.weight", 4);  // (ch, in, 3, 3)
  c.ch = static_cast<int>(conv_in.dim(0));
  c.in_channels = static_cast<int>(conv_in.dim(1));
  const Tensor& emb = require(ckpt, "quantize.embedding.weight", 2);  // (V, Cvae)
  c.vocab = static_cast<int>(emb.dim(0));
  c.z_channels = static_cast<int>(emb.dim(1));
  const Tensor& qconv = require(ckpt, "quant_conv.weight", 4);  // (z, z, ks, ks)
  c.quant_conv_ks = static_cast<int>(qconv.dim(2));
  if (c.ch < 1 || c.vocab < 1 || c.z_channels < 1 || c.quant_conv_ks % 2 != 1)
    throw Error(ckpt.path + ": implausible VQ-VAE shapes (ch " + std::to_string(c.ch) + ", V " +
                std::to_string(c.vocab) + ", Cvae " + std::to_string(c.z_channels) + ", quant_conv kernel " +
                std::to_string(c.quant_conv_ks) + ")");

  for (int l = 0; ckpt.has(level_key("encoder.down", l, "block.0.conv1.weight")); ++l) {
    const Tensor& w = require(ckpt, level_key("encoder.down", l, "block.0.conv1.weight"), 4);
    if (w.dim(0) % c.ch != 0)
      throw Error(ckpt.path + ": 'encoder.down." + std::to_string(l) + ".block.0.conv1.weight' has " +
                  std::to_string(w.dim(0)) + " output channels, not a multiple of ch = " + std::to_string(c.ch));
    c.ch_mult.push_back(static_cast<int>(w.dim(0) / c.ch));
    c.encoder_attn.push_back(ckpt.has(level_key("encoder.down", l, "attn.0.norm.weight")));
    c.decoder_attn.push_back(ckpt.has(level_key("decoder.up", l, "attn.0.norm.weight")));
    if (l > 12) throw Error(ckpt.path + ": more than 12 encoder levels; not a VAR VQ-VAE");
  }
  if (c.ch_mult.empty()) require(ckpt, "encoder.down.0.block.0.conv1.weight", 4);
  c.num_res_blocks = 0;
  while (ckpt.has("encoder.down.0.block." + std::to_string(c.num_res_blocks) + ".conv1.weight")) ++c.num_res_blocks;
  c.encoder_mid_attn = ckpt.has("encoder.mid.attn_1.norm.weight");
  c.decoder_mid_attn = ckpt.has("decoder.mid.attn_1.norm.weight");
  c.num_phi = 0;
  while (ckpt.has("quantize.quant_resi.qresi_ls." + std::to_string(c.num_phi) + ".weight")) ++c.num_phi;
  if (c.num_phi == 0 && ckpt.has("quantize.quant_resi.qresi.weight")) c.num_phi = 1;
  if (c.num_phi == 0)
    while (ckpt.has("quantize.quant_resi." + std::to_string(c.num_phi) + ".weight")) ++c.num_phi;
  return c;
}

}  // namespace vs::var
