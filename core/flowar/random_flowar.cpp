#include "core/flowar/random_flowar.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>

#include "core/error.h"
#include "core/random/random_normal.h"

namespace vs::flowar {
namespace {

using random::random_normal;

enum class Init { kNormal, kZero, kOne };
using KeyVisitor = std::function<void(const std::string& key, const Shape& shape, Init init)>;

// The state-dict keys of flowar.md §8.3 without the `mask` and `rope.freqs` buffers.
void for_each_flowar_key(const FlowArConfig& c, const KeyVisitor& visit) {
  const int64_t C = c.ar_width, T = c.latent_channels, L = c.tokens();
  auto linear = [&](const std::string& p, int64_t out, int64_t in, bool bias) {
    visit(p + ".weight", {out, in}, Init::kNormal);
    if (bias) visit(p + ".bias", {out}, Init::kZero);
  };
  auto swiglu = [&](const std::string& p, int64_t width, int64_t hidden) {
    linear(p + ".fc1_g", hidden, width, true);
    linear(p + ".fc1_x", hidden, width, true);
    linear(p + ".fc2", width, hidden, true);
  };

  visit("class_emb.weight", {c.num_classes + 1, C}, Init::kNormal);
  linear("z_proj", C, T, true);
  visit("z_proj_ln.weight", {C}, Init::kOne);
  for (const char* table : {"encoder_pos_embed_learned", "decoder_pos_embed_learned", "diffusion_pos_embed_learned"})
    visit(table, {1, L, C}, Init::kNormal);
  auto ar_blocks = [&](const std::string& stack, int depth) {
    for (int i = 0; i < depth; ++i) {
      const std::string p = stack + "." + std::to_string(i);
      linear(p + ".attn.qkv", 3 * C, C, true);
      linear(p + ".attn.proj", C, C, true);
      swiglu(p + ".mlp", C, c.ar_mlp_hidden);
      linear(p + ".ada_lin.1", 6 * C, C, true);
    }
  };
  ar_blocks("encoder_blocks", c.encoder_depth);
  visit("encoder_norm.weight", {C}, Init::kOne);
  linear("decoder_embed", C, C, true);
  ar_blocks("decoder_blocks", c.decoder_depth);
  visit("decoder_norm.weight", {C}, Init::kOne);

  const int64_t D = c.flow_width;
  linear("flownet.time_embed.mlp.0", D, 256, true);
  linear("flownet.time_embed.mlp.2", D, D, true);
  linear("flownet.cond_embed", D, C, true);
  linear("flownet.input_proj", D, T, true);
  for (int i = 0; i < c.flow_depth; ++i) {
    const std::string p = "flownet.res_blocks." + std::to_string(i);
    linear(p + ".attn.qkv", 3 * D, D, false);
    linear(p + ".attn.proj", D, D, true);
    swiglu(p + ".mlp", D, c.flow_mlp_hidden);
    if (c.flow_block == FlownetBlock::kV1) {
      linear(p + ".ada_lin", 6 * D, D, true);
    } else {
      linear(p + ".ada_lin_attn", 3 * D, D, true);
      linear(p + ".ada_lin_mlp", 3 * D, D, true);
      linear(p + ".crossattn.q", D, D, false);
      linear(p + ".crossattn.kv", 2 * D, C, false);
      linear(p + ".crossattn.proj", D, D, true);
      visit(p + ".norm2_1.weight", {D}, Init::kOne);
      visit(p + ".norm2_2.weight", {C}, Init::kOne);
    }
  }
  linear("flownet.final_layer.adaLN_modulation.1", 2 * D, D, true);
  linear("flownet.final_layer.linear", T, D, true);
}

Tensor initial_tensor(const Shape& shape, Init init, float stddev, uint64_t seed, uint64_t stream) {
  switch (init) {
    case Init::kNormal: return random_normal(shape, stddev, seed, stream);
    case Init::kOne: return Tensor(shape, 1.0f);
    case Init::kZero: break;
  }
  return Tensor(shape, 0.0f);
}

// The KL-16 keys (flowar.md §2, LDM names) of a config, with random weights.
struct RandomKlBuilder {
  io::Checkpoint ckpt;
  uint64_t seed;
  uint64_t stream = 1;

  void conv(const std::string& p, int64_t cout, int64_t cin, int64_t k) {
    ckpt.tensors[p + ".weight"] = random_normal({cout, cin, k, k}, 1.0f / std::sqrt(float(cin * k * k)), seed, stream++);
    ckpt.tensors[p + ".bias"] = Tensor({cout}, 0.0f);
  }
  void norm(const std::string& p, int64_t c) {
    ckpt.tensors[p + ".weight"] = Tensor({c}, 1.0f);
    ckpt.tensors[p + ".bias"] = Tensor({c}, 0.0f);
  }
  void resnet(const std::string& p, int64_t in, int64_t out) {
    norm(p + ".norm1", in);
    conv(p + ".conv1", out, in, 3);
    norm(p + ".norm2", out);
    conv(p + ".conv2", out, out, 3);
    if (in != out) conv(p + ".nin_shortcut", out, in, 1);
  }
  void attn(const std::string& p, int64_t c) {
    norm(p + ".norm", c);
    for (const char* part : {".q", ".k", ".v", ".proj_out"}) conv(p + part, c, c, 1);
  }
  static std::string at(const char* part, int level, const std::string& rest) {
    return std::string(part) + "." + std::to_string(level) + "." + rest;
  }

  void build(const KlVaeConfig& c) {
    const int levels = c.num_levels();
    conv("encoder.conv_in", c.ch, c.in_channels, 3);
    int64_t in = c.ch;
    for (int l = 0; l < levels; ++l) {
      for (int i = 0; i < c.num_res_blocks; ++i) {
        resnet(at("encoder.down", l, "block." + std::to_string(i)), in, c.width(l));
        in = c.width(l);
        if (c.encoder_attn[l]) attn(at("encoder.down", l, "attn." + std::to_string(i)), in);
      }
      if (l != levels - 1) conv(at("encoder.down", l, "downsample.conv"), in, in, 3);
    }
    resnet("encoder.mid.block_1", in, in);
    attn("encoder.mid.attn_1", in);
    resnet("encoder.mid.block_2", in, in);
    norm("encoder.norm_out", in);
    conv("encoder.conv_out", 2 * c.z_channels, in, 3);
    conv("quant_conv", 2 * c.embed_dim, 2 * c.z_channels, 1);
    conv("post_quant_conv", c.z_channels, c.embed_dim, 1);

    conv("decoder.conv_in", in, c.z_channels, 3);
    resnet("decoder.mid.block_1", in, in);
    attn("decoder.mid.attn_1", in);
    resnet("decoder.mid.block_2", in, in);
    for (int l = levels - 1; l >= 0; --l) {
      for (int i = 0; i <= c.num_res_blocks; ++i) {
        resnet(at("decoder.up", l, "block." + std::to_string(i)), in, c.width(l));
        in = c.width(l);
      }
      if (l != 0) conv(at("decoder.up", l, "upsample.conv"), in, in, 3);
    }
    norm("decoder.norm_out", in);
    conv("decoder.conv_out", c.in_channels, in, 3);
  }
};

}  // namespace

FlowArConfig official_flowar_config(const std::string& size) {
  std::string name = size;
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::toupper(ch); });
  FlowArConfig c;
  // flowar.md §8.1: AR depth, C, heads, MLP hidden; flownet depth, D, heads, block, MLP hidden.
  if (name == "S") {
    c.encoder_depth = c.decoder_depth = 6;
    c.ar_width = 768, c.ar_heads = 12, c.ar_mlp_hidden = 2048;
    c.flow_depth = 2, c.flow_width = 1024, c.flow_heads = 16, c.flow_mlp_hidden = 2730;
    c.flow_block = FlownetBlock::kV1;
  } else if (name == "L") {
    c.encoder_depth = c.decoder_depth = 8;
    c.ar_width = 1024, c.ar_heads = 16, c.ar_mlp_hidden = 2730;
    c.flow_depth = 12, c.flow_width = 1024, c.flow_heads = 16, c.flow_mlp_hidden = 2730;
    c.flow_block = FlownetBlock::kV2;
  } else if (name == "H") {
    c.encoder_depth = c.decoder_depth = 15;
    c.ar_width = 1536, c.ar_heads = 16, c.ar_mlp_hidden = 4096;
    c.flow_depth = 12, c.flow_width = 1536, c.flow_heads = 24, c.flow_mlp_hidden = 4096;
    c.flow_block = FlownetBlock::kV2;
  } else {
    throw Error("FlowAR size '" + size + "' is not one of S, L, H (flowar.md §8.1)");
  }
  c.num_classes = 1000;
  c.latent_channels = 16;
  c.scales = {1, 2, 4, 8, 16};
  return c;
}

int64_t flowar_parameter_count(const FlowArConfig& config) {
  int64_t total = 0;
  for_each_flowar_key(config, [&](const std::string&, const Shape& shape, Init) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    total += n;
  });
  return total;
}

io::Checkpoint random_flowar_checkpoint(const FlowArConfig& config, uint64_t seed) {
  io::Checkpoint ckpt;
  ckpt.path = "random FlowAR";
  // The loader reads scales from here; the head dims follow the official rule (hd 64,
  // or 96 for C = 1536), which every §8.1 config satisfies.
  std::string scales;
  for (int s : config.scales) scales += (scales.empty() ? "" : ",") + std::to_string(s);
  ckpt.metadata["scales"] = scales;
  uint64_t stream = 1;
  for_each_flowar_key(config, [&](const std::string& key, const Shape& shape, Init init) {
    ckpt.tensors[key] = initial_tensor(shape, init, 0.02f, seed, stream++);
    ckpt.dtypes[key] = "F32";
  });
  return ckpt;
}

FlowArModel random_flowar(const std::string& size, uint64_t seed, WeightPrecision precision) {
  return FlowArModel::from_checkpoint(random_flowar_checkpoint(official_flowar_config(size), seed), {}, precision);
}

KlVae random_kl_vae(uint64_t seed) {
  RandomKlBuilder builder{{}, seed};
  builder.ckpt.path = "random KL-16 VAE";
  builder.build(KlVaeConfig{});
  return KlVae::load(builder.ckpt);
}

}  // namespace vs::flowar
