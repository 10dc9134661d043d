#include "core/flowar/kl_vae_config.h"

#include <cmath>
#include <cstdlib>

#include "core/error.h"
#include "core/printable.h"

namespace vs::flowar {
namespace {

// Levels beyond this are no KL-16 layout; stops a hostile file from looping us for long.
constexpr int kMaxLevels = 12;
constexpr int kMaxResBlocks = 64;

const char* const kWhatWeNeed = "FlowAR needs MAR's KL-16 VAE (kl16.ckpt, keys 'encoder.*', 'decoder.*', "
                                "'quant_conv.*', 'post_quant_conv.*')";

// A file that is not a KL VAE at all: say what it looks like instead.
void refuse_other_models(const io::Checkpoint& ckpt) {
  if (ckpt.has("quantize.embedding.weight") || ckpt.has("decoder.mid.attn_1.qkv.weight"))
    throw Error(ckpt.path + ": this is a VAR VQ-VAE checkpoint (it has '" +
                std::string(ckpt.has("quantize.embedding.weight") ? "quantize.embedding.weight"
                                                                  : "decoder.mid.attn_1.qkv.weight") +
                "'), not a KL autoencoder; " + kWhatWeNeed);
  if (ckpt.has("class_emb.weight"))
    throw Error(ckpt.path + ": this is a FlowAR/VAR transformer checkpoint (it has 'class_emb.weight'), not the "
                "VAE; " + kWhatWeNeed);
}

const Tensor& require(const io::Checkpoint& ckpt, const std::string& key, int rank) {
  if (!ckpt.has(key)) throw Error(ckpt.path + ": missing tensor " + printable_name(key) + " — " + kWhatWeNeed);
  const Tensor& t = ckpt.get(key);
  if (t.rank() != rank)
    throw Error(ckpt.path + ": tensor " + printable_name(key) + " has shape " + t.shape_str() + ", expected rank " +
                std::to_string(rank));
  return t;
}

std::string level_key(const char* part, int level, const std::string& rest) {
  return std::string(part) + "." + std::to_string(level) + "." + rest;
}

int64_t conv_params(int64_t cin, int64_t cout, int64_t k) { return cout * cin * k * k + cout; }
int64_t norm_params(int64_t c) { return 2 * c; }
int64_t resnet_params(int64_t cin, int64_t cout) {
  return norm_params(cin) + conv_params(cin, cout, 3) + norm_params(cout) + conv_params(cout, cout, 3) +
         (cin != cout ? conv_params(cin, cout, 1) : 0);
}
int64_t attn_params(int64_t c) { return norm_params(c) + 4 * conv_params(c, c, 1); }  // norm, q, k, v, proj_out

}  // namespace

int64_t KlVaeConfig::encoder_parameter_count() const {
  int64_t n = conv_params(in_channels, ch, 3);
  int64_t block_in = ch;
  for (int l = 0; l < num_levels(); ++l) {
    for (int i = 0; i < num_res_blocks; ++i) {
      n += resnet_params(block_in, width(l));
      block_in = width(l);
      if (encoder_attn.at(l)) n += attn_params(block_in);
    }
    if (l != num_levels() - 1) n += conv_params(block_in, block_in, 3);
  }
  n += 2 * resnet_params(block_in, block_in) + attn_params(block_in);
  return n + norm_params(block_in) + conv_params(block_in, 2 * z_channels, 3);
}

int64_t KlVaeConfig::decoder_parameter_count() const {
  int64_t block_in = width(num_levels() - 1);
  int64_t n = conv_params(z_channels, block_in, 3) + 2 * resnet_params(block_in, block_in) + attn_params(block_in);
  for (int l = num_levels() - 1; l >= 0; --l) {
    for (int i = 0; i < num_res_blocks + 1; ++i) {
      n += resnet_params(block_in, width(l));
      block_in = width(l);
    }
    if (l != 0) n += conv_params(block_in, block_in, 3);
  }
  return n + norm_params(block_in) + conv_params(block_in, in_channels, 3);
}

int64_t KlVaeConfig::parameter_count() const {
  return encoder_parameter_count() + decoder_parameter_count() + conv_params(2 * z_channels, 2 * embed_dim, 1) +
         conv_params(embed_dim, z_channels, 1);
}

KlVaeConfig KlVaeConfig::infer(const io::Checkpoint& ckpt) {
  refuse_other_models(ckpt);
  KlVaeConfig c;
  const Tensor& conv_in = require(ckpt, "encoder.conv_in.weight", 4);  // (ch, in, 3, 3)
  c.ch = static_cast<int>(conv_in.dim(0));
  c.in_channels = static_cast<int>(conv_in.dim(1));
  const Tensor& dec_in = require(ckpt, "decoder.conv_in.weight", 4);  // (top width, z, 3, 3)
  c.z_channels = static_cast<int>(dec_in.dim(1));
  const Tensor& post = require(ckpt, "post_quant_conv.weight", 4);  // (z, embed_dim, 1, 1)
  c.embed_dim = static_cast<int>(post.dim(1));
  if (c.ch < 1 || c.in_channels < 1 || c.z_channels < 1 || c.embed_dim < 1)
    throw Error(ckpt.path + ": implausible KL VAE shapes (ch " + std::to_string(c.ch) + ", image channels " +
                std::to_string(c.in_channels) + ", z " + std::to_string(c.z_channels) + ", embed_dim " +
                std::to_string(c.embed_dim) + ")");

  c.ch_mult.clear();
  c.encoder_attn.clear();
  for (int l = 0; ckpt.has(level_key("encoder.down", l, "block.0.conv1.weight")); ++l) {
    if (l >= kMaxLevels) throw Error(ckpt.path + ": more than " + std::to_string(kMaxLevels) + " encoder levels");
    const Tensor& w = require(ckpt, level_key("encoder.down", l, "block.0.conv1.weight"), 4);
    if (w.dim(0) % c.ch != 0 || w.dim(0) == 0)
      throw Error(ckpt.path + ": 'encoder.down." + std::to_string(l) + ".block.0.conv1.weight' has " +
                  std::to_string(w.dim(0)) + " output channels, not a multiple of ch = " + std::to_string(c.ch));
    c.ch_mult.push_back(static_cast<int>(w.dim(0) / c.ch));
    c.encoder_attn.push_back(ckpt.has(level_key("encoder.down", l, "attn.0.norm.weight")));
  }
  if (c.ch_mult.empty()) require(ckpt, "encoder.down.0.block.0.conv1.weight", 4);
  c.num_res_blocks = 0;
  while (c.num_res_blocks < kMaxResBlocks &&
         ckpt.has("encoder.down.0.block." + std::to_string(c.num_res_blocks) + ".conv1.weight"))
    ++c.num_res_blocks;

  const auto meta = ckpt.metadata.find("scale_factor");
  if (meta != ckpt.metadata.end()) {
    char* end = nullptr;
    const float s = std::strtof(meta->second.c_str(), &end);
    if (end == meta->second.c_str() || *end != '\0' || !std::isfinite(s) || s <= 0.0f)
      throw Error(ckpt.path + ": metadata scale_factor '" + meta->second + "' is not a positive number");
    c.scale_factor = s;
  }
  return c;
}

}  // namespace vs::flowar
