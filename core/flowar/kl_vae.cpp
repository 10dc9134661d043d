#include "core/flowar/kl_vae.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/nn/activations.h"

namespace vs::flowar {
namespace {

// Largest image side accepted by encode/decode; larger requests are refused before any
// allocation (a 4096 px decode with kl16 already needs ~2 GB per 128-channel map).
constexpr int64_t kMaxImageSide = 4096;

// DiagonalGaussianDistribution clamps the log-variance to this range.
constexpr float kMinLogvar = -30.0f, kMaxLogvar = 20.0f;

std::string at(const char* part, int level, const char* kind, int index) {
  return std::string(part) + "." + std::to_string(level) + "." + kind + "." + std::to_string(index);
}

Tensor norm_silu(const nn::GroupNorm& norm, const Tensor& x) {
  Tensor h = norm.forward(x);
  nn::silu_inplace(h);
  return h;
}

// The likely cause of a failed load, from the keys the model did not use.
std::string load_hint(const std::vector<std::string>& unexpected) {
  for (const std::string& key : unexpected)
    if (key.rfind("decoder.up.", 0) == 0 && key.find(".attn.") != std::string::npos)
      return "decoder attention outside the mid block is not part of the KL-16 layout (flowar.md §2)";
  return "is this MAR's KL-16 VAE (kl16.ckpt)?";
}

}  // namespace

KlAttnBlock KlAttnBlock::load(io::WeightReader& params, const std::string& prefix, int channels) {
  KlAttnBlock a;
  a.norm = nn::load_group_norm(params, prefix + ".norm", channels);
  a.q = nn::load_conv(params, prefix + ".q", channels, channels, 1, 1, {});
  a.k = nn::load_conv(params, prefix + ".k", channels, channels, 1, 1, {});
  a.v = nn::load_conv(params, prefix + ".v", channels, channels, 1, 1, {});
  a.proj_out = nn::load_conv(params, prefix + ".proj_out", channels, channels, 1, 1, {});
  return a;
}

Tensor KlAttnBlock::forward(const Tensor& x) const {
  const int64_t B = x.dim(0), C = x.dim(1), N = x.dim(2) * x.dim(3);
  const Tensor h_norm = norm.forward(x);
  const Tensor q_map = q.forward(h_norm), k_map = k.forward(h_norm), v_map = v.forward(h_norm);  // (B, C, H, W)
  Tensor h(x.shape);
  // The reference scales by int(c) ** -0.5 in float32.
  const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(C)));
  for (int64_t b = 0; b < B; ++b) {
    // Channel-major (C, N) views.
    Eigen::Map<const RowMatrixF> qb(q_map.ptr() + b * C * N, C, N), kb(k_map.ptr() + b * C * N, C, N),
        vb(v_map.ptr() + b * C * N, C, N);
    RowMatrixF scores = (qb.transpose() * kb) * scale;  // (N queries, N keys), softmax over keys
    for (int64_t i = 0; i < N; ++i) {
      auto row = scores.row(i);
      const float m = row.maxCoeff();
      row = (row.array() - m).exp();
      row /= row.sum();
    }
    // h[c, i] = sum_j v[c, j] p[i, j]
    Eigen::Map<RowMatrixF>(h.ptr() + b * C * N, C, N).noalias() = vb * scores.transpose();
  }
  Tensor out = proj_out.forward(h);
  for (size_t i = 0; i < out.data.size(); ++i) out.data[i] += x.data[i];
  return out;
}

KlEncoder KlEncoder::load(io::WeightReader& params, const KlVaeConfig& c) {
  KlEncoder e;
  const auto same = nn::Conv2dPadding::same(1);
  e.conv_in = nn::load_conv(params, "encoder.conv_in", c.in_channels, c.ch, 3, 1, same);
  int block_in = c.ch;
  for (int l = 0; l < c.num_levels(); ++l) {
    Level level;
    for (int i = 0; i < c.num_res_blocks; ++i) {
      level.block.push_back(nn::ResnetBlock::load(params, at("encoder.down", l, "block", i), block_in, c.width(l)));
      block_in = c.width(l);
      if (c.encoder_attn[l])
        level.attn.push_back(KlAttnBlock::load(params, at("encoder.down", l, "attn", i), block_in));
    }
    level.has_downsample = l != c.num_levels() - 1;
    if (level.has_downsample)
      level.downsample = nn::Downsample2x::load(params, "encoder.down." + std::to_string(l) + ".downsample", block_in);
    e.down.push_back(std::move(level));
  }
  e.mid_block_1 = nn::ResnetBlock::load(params, "encoder.mid.block_1", block_in, block_in);
  e.mid_attn_1 = KlAttnBlock::load(params, "encoder.mid.attn_1", block_in);
  e.mid_block_2 = nn::ResnetBlock::load(params, "encoder.mid.block_2", block_in, block_in);
  e.norm_out = nn::load_group_norm(params, "encoder.norm_out", block_in);
  e.conv_out = nn::load_conv(params, "encoder.conv_out", block_in, 2 * c.z_channels, 3, 1, same);
  return e;
}

Tensor KlEncoder::forward(const Tensor& img) const {
  Tensor h = conv_in.forward(img);
  for (const Level& level : down) {
    for (size_t i = 0; i < level.block.size(); ++i) {
      h = level.block[i].forward(h);
      if (!level.attn.empty()) h = level.attn[i].forward(h);
    }
    if (level.has_downsample) h = level.downsample.forward(h);
  }
  h = mid_block_2.forward(mid_attn_1.forward(mid_block_1.forward(h)));
  return conv_out.forward(norm_silu(norm_out, h));
}

KlDecoder KlDecoder::load(io::WeightReader& params, const KlVaeConfig& c) {
  KlDecoder d;
  const auto same = nn::Conv2dPadding::same(1);
  int block_in = c.width(c.num_levels() - 1);
  d.conv_in = nn::load_conv(params, "decoder.conv_in", c.z_channels, block_in, 3, 1, same);
  d.mid_block_1 = nn::ResnetBlock::load(params, "decoder.mid.block_1", block_in, block_in);
  d.mid_attn_1 = KlAttnBlock::load(params, "decoder.mid.attn_1", block_in);
  d.mid_block_2 = nn::ResnetBlock::load(params, "decoder.mid.block_2", block_in, block_in);
  d.up.resize(c.num_levels());
  for (int l = c.num_levels() - 1; l >= 0; --l) {
    Level& level = d.up[l];
    for (int i = 0; i < c.num_res_blocks + 1; ++i) {
      level.block.push_back(nn::ResnetBlock::load(params, at("decoder.up", l, "block", i), block_in, c.width(l)));
      block_in = c.width(l);
    }
    level.has_upsample = l != 0;
    if (level.has_upsample)
      level.upsample = nn::Upsample2x::load(params, "decoder.up." + std::to_string(l) + ".upsample", block_in);
  }
  d.norm_out = nn::load_group_norm(params, "decoder.norm_out", block_in);
  d.conv_out = nn::load_conv(params, "decoder.conv_out", block_in, c.in_channels, 3, 1, same);
  return d;
}

Tensor KlDecoder::forward(const Tensor& z) const {
  Tensor h = mid_block_2.forward(mid_attn_1.forward(mid_block_1.forward(conv_in.forward(z))));
  for (int l = static_cast<int>(up.size()) - 1; l >= 0; --l) {  // from the lowest resolution up
    for (const nn::ResnetBlock& block : up[l].block) h = block.forward(h);
    if (up[l].has_upsample) h = up[l].upsample.forward(h);
  }
  return conv_out.forward(norm_silu(norm_out, h));
}

Tensor KlPosterior::sample(const Tensor& noise) const {
  if (noise.shape != mean.shape)
    throw Error("KL VAE posterior sample: noise has shape " + noise.shape_str() + ", expected " + mean.shape_str());
  Tensor out(mean.shape);
  for (size_t i = 0; i < out.data.size(); ++i)
    out.data[i] = mean.data[i] + std::exp(0.5f * logvar.data[i]) * noise.data[i];
  return out;
}

KlVae KlVae::load(const io::Checkpoint& ckpt) { return load_from(ckpt, nullptr); }

KlVae KlVae::load_from(const io::Checkpoint& ckpt, io::Checkpoint* take_from) {
  KlVae vae;
  vae.config = KlVaeConfig::infer(ckpt);
  io::WeightReader params = take_from ? io::WeightReader(*take_from) : io::WeightReader(ckpt);
  vae.encoder = KlEncoder::load(params, vae.config);
  vae.decoder = KlDecoder::load(params, vae.config);
  const int z = vae.config.z_channels, e = vae.config.embed_dim;
  vae.quant_conv = nn::load_conv(params, "quant_conv", 2 * z, 2 * e, 1, 1, {});
  vae.post_quant_conv = nn::load_conv(params, "post_quant_conv", e, z, 1, 1, {});
  params.finish("the KL VAE", load_hint(params.unconsumed_keys()));
  return vae;
}

KlVae KlVae::load(const std::string& path) {
  io::Checkpoint ckpt = io::load_checkpoint(path);
  return load_from(ckpt, &ckpt);  // ours alone: take the tensors rather than copy them
}

KlPosterior KlVae::encode(const Tensor& img) const {
  const int64_t f = config.downsample_factor();
  if (img.rank() != 4 || img.dim(0) < 1 || img.dim(1) != config.in_channels || img.dim(2) < f || img.dim(3) < f ||
      img.dim(2) % f != 0 || img.dim(3) % f != 0 || img.dim(2) > kMaxImageSide || img.dim(3) > kMaxImageSide)
    throw Error("KL VAE encode: image must be (B, " + std::to_string(config.in_channels) +
                ", H, W) with H, W multiples of " + std::to_string(f) + " up to " + std::to_string(kMaxImageSide) +
                ", found " + img.shape_str());
  const Tensor moments = quant_conv.forward(encoder.forward(img));  // (B, 2 e, h, w): [mean; logvar]
  const int64_t B = moments.dim(0), e = config.embed_dim, hw = moments.dim(2) * moments.dim(3);
  KlPosterior p;
  p.mean = Tensor({B, e, moments.dim(2), moments.dim(3)});
  p.logvar = Tensor(p.mean.shape);
  for (int64_t b = 0; b < B; ++b) {
    const float* src = moments.ptr() + b * 2 * e * hw;
    std::copy(src, src + e * hw, p.mean.ptr() + b * e * hw);
    std::transform(src + e * hw, src + 2 * e * hw, p.logvar.ptr() + b * e * hw,
                   [](float x) { return std::clamp(x, kMinLogvar, kMaxLogvar); });
  }
  return p;
}

Tensor KlVae::encode_tokens(const Tensor& img) const {
  Tensor tokens = encode(img).mean;
  for (float& x : tokens.data) x *= config.scale_factor;
  return tokens;
}

Tensor KlVae::decode_raw(const Tensor& latent) const {
  const int64_t f = config.downsample_factor();
  if (latent.rank() != 4 || latent.dim(0) < 1 || latent.dim(1) != config.embed_dim || latent.dim(2) < 1 ||
      latent.dim(3) < 1 || latent.dim(2) * f > kMaxImageSide || latent.dim(3) * f > kMaxImageSide)
    throw Error("KL VAE decode: latent must be channel-first (B, " + std::to_string(config.embed_dim) +
                ", h, w) with h, w at most " + std::to_string(kMaxImageSide / f) + ", found " + latent.shape_str());
  return decoder.forward(post_quant_conv.forward(latent));
}

Tensor KlVae::decode_tokens(const Tensor& tokens) const {
  Tensor latent = tokens;
  // The reference divides (tokens / 0.2325); a division keeps it bit-identical.
  for (float& x : latent.data) x /= config.scale_factor;
  return decode_raw(latent);
}

Tensor images_to_unit_range(const Tensor& img) {
  Tensor out = img;
  for (float& x : out.data) x = std::clamp((x + 1.0f) * 0.5f, 0.0f, 1.0f);
  return out;
}

Tensor token_rows_to_channel_first(const Tensor& rows, int h, int w) {
  if (rows.rank() != 3 || h < 1 || w < 1 || rows.dim(1) != int64_t(h) * w)
    throw Error("token rows: expected (B, " + std::to_string(int64_t(h) * w) + ", C) for a " + std::to_string(h) +
                "x" + std::to_string(w) + " scale, found " + rows.shape_str());
  const int64_t B = rows.dim(0), N = rows.dim(1), C = rows.dim(2);
  Tensor map({B, C, h, w});
  for (int64_t b = 0; b < B; ++b)
    Eigen::Map<RowMatrixF>(map.ptr() + b * C * N, C, N) =
        Eigen::Map<const RowMatrixF>(rows.ptr() + b * N * C, N, C).transpose();
  return map;
}

Tensor channel_first_to_token_rows(const Tensor& map) {
  if (map.rank() != 4) throw Error("token rows: expected a channel-first map (B, C, h, w), found " + map.shape_str());
  const int64_t B = map.dim(0), C = map.dim(1), N = map.dim(2) * map.dim(3);
  Tensor rows({B, N, C});
  for (int64_t b = 0; b < B; ++b)
    Eigen::Map<RowMatrixF>(rows.ptr() + b * N * C, N, C) =
        Eigen::Map<const RowMatrixF>(map.ptr() + b * C * N, C, N).transpose();
  return rows;
}

}  // namespace vs::flowar
