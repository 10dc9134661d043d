#include "core/flowar/ar_transformer.h"

#include <cstring>
#include <string>

#include "core/error.h"
#include "core/observe/attend.h"
#include "core/nn/activations.h"
#include "core/nn/linear.h"

namespace vs::flowar {

namespace {

using observe::PartTimer;

// A site of the AR transformer: block counts encoder blocks first, then decoder blocks.
observe::Site ar_site(int scale, int block, int64_t row = 0, int64_t rows = 1) {
  return observe::Site::at(observe::Module::kAr, scale, block, row, rows);
}

ArBlockWeights take_block(io::WeightReader& t, const std::string& p, int64_t C, int64_t hidden,
                          WeightPrecision precision) {
  ArBlockWeights b;
  b.ada_lin_weight = nn::PackedWeight(t.take(p + "ada_lin.1.weight", {6 * C, C}), precision);
  b.ada_lin_bias = t.take(p + "ada_lin.1.bias", {6 * C});
  b.qkv_weight = nn::PackedWeight(t.take(p + "attn.qkv.weight", {3 * C, C}), precision);
  b.qkv_bias = t.take(p + "attn.qkv.bias", {3 * C});
  b.proj_weight = nn::PackedWeight(t.take(p + "attn.proj.weight", {C, C}), precision);
  b.proj_bias = t.take(p + "attn.proj.bias", {C});
  b.mlp.fc1_g_weight = nn::PackedWeight(t.take(p + "mlp.fc1_g.weight", {hidden, C}), precision);
  b.mlp.fc1_g_bias = t.take(p + "mlp.fc1_g.bias", {hidden});
  b.mlp.fc1_x_weight = nn::PackedWeight(t.take(p + "mlp.fc1_x.weight", {hidden, C}), precision);
  b.mlp.fc1_x_bias = t.take(p + "mlp.fc1_x.bias", {hidden});
  b.mlp.fc2_weight = nn::PackedWeight(t.take(p + "mlp.fc2.weight", {C, hidden}), precision);
  b.mlp.fc2_bias = t.take(p + "mlp.fc2.bias", {C});
  t.drop(p + "attn.rope.freqs");
  return b;
}

}  // namespace

ArWeights take_ar_weights(const FlowArConfig& c, io::WeightReader& t, WeightPrecision precision) {
  const int64_t C = c.ar_width, L = c.tokens(), hidden = c.ar_mlp_hidden;
  ArWeights w;
  w.rope_freqs = rope_frequencies(c.ar_head_dim());
  w.class_emb = t.take("class_emb.weight", {c.num_classes + 1, C});
  w.z_proj_weight = t.take("z_proj.weight", {C, c.latent_channels});
  w.z_proj_bias = t.take("z_proj.bias", {C});
  w.z_proj_ln = t.take("z_proj_ln.weight", {C});
  w.encoder_pos = t.take("encoder_pos_embed_learned", {1, L, C});
  w.decoder_pos = t.take("decoder_pos_embed_learned", {1, L, C});
  w.diffusion_pos = t.take("diffusion_pos_embed_learned", {1, L, C});
  for (int i = 0; i < c.encoder_depth; ++i)
    w.encoder_blocks.push_back(take_block(t, "encoder_blocks." + std::to_string(i) + ".", C, hidden, precision));
  w.encoder_norm = t.take("encoder_norm.weight", {C});
  w.decoder_embed_weight = nn::PackedWeight(t.take("decoder_embed.weight", {C, C}), precision);
  w.decoder_embed_bias = t.take("decoder_embed.bias", {C});
  for (int i = 0; i < c.decoder_depth; ++i)
    w.decoder_blocks.push_back(take_block(t, "decoder_blocks." + std::to_string(i) + ".", C, hidden, precision));
  w.decoder_norm = t.take("decoder_norm.weight", {C});
  t.drop("mask");  // the block-causal training mask; the cache makes it unnecessary
  return w;
}

ArTransformer::ArTransformer(FlowArConfig config, ArWeights weights)
    : config_(std::move(config)), weights_(std::move(weights)),
      exact_(attention::make_variant("exact")) {}

ArConditioning ArTransformer::condition(const std::vector<int64_t>& labels) const {
  const int64_t R = static_cast<int64_t>(labels.size()), C = config_.ar_width;
  ArConditioning cd;
  cd.class_vectors = Tensor({R, C});
  for (int64_t r = 0; r < R; ++r) {
    const int64_t label = labels[r] < 0 ? config_.null_class() : labels[r];
    if (label > config_.null_class())
      throw Error("FlowAR: class label " + std::to_string(labels[r]) + " is outside 0.." +
                  std::to_string(config_.num_classes - 1) + " (negative = unconditional)");
    cd.labels.push_back(label);
    std::memcpy(cd.class_vectors.ptr() + r * C, weights_.class_emb.ptr() + label * C, sizeof(float) * C);
  }
  // Every block's AdaLN reads SiLU(class vector) (flowar.md §4: no shared conditioning MLP).
  Tensor silu = cd.class_vectors;
  nn::silu_inplace(silu);
  for (const ArBlockWeights& b : weights_.encoder_blocks)
    cd.encoder_ada.push_back(nn::linear(silu, b.ada_lin_weight, &b.ada_lin_bias, "ada_lin.1"));
  for (const ArBlockWeights& b : weights_.decoder_blocks)
    cd.decoder_ada.push_back(nn::linear(silu, b.ada_lin_weight, &b.ada_lin_bias, "ada_lin.1"));
  return cd;
}

ArCache ArTransformer::make_cache(int64_t rows) const {
  ArCache cache;
  cache.encoder.reset(config_.encoder_depth, rows, config_.ar_heads, config_.ar_head_dim(), config_.tokens());
  cache.decoder.reset(config_.decoder_depth, rows, config_.ar_heads, config_.ar_head_dim(), config_.tokens());
  return cache;
}

ArConditioning ArConditioning::first_rows(int64_t count) const {
  if (count < 1 || count > rows())
    throw Error("FlowAR AR: " + std::to_string(count) + " conditioning rows asked of " + std::to_string(rows()));
  auto head = [count](const Tensor& t) {
    Tensor out;
    out.shape = t.shape;
    out.shape[0] = count;
    out.data.assign(t.data.begin(), t.data.begin() + count * (t.numel() / t.dim(0)));
    return out;
  };
  ArConditioning out;
  out.labels.assign(labels.begin(), labels.begin() + count);
  out.class_vectors = head(class_vectors);
  for (const Tensor& ada : encoder_ada) out.encoder_ada.push_back(head(ada));
  for (const Tensor& ada : decoder_ada) out.decoder_ada.push_back(head(ada));
  return out;
}

Tensor ArTransformer::first_scale_input(const ArConditioning& cd) const {
  Tensor x = cd.class_vectors;
  x.shape = {cd.rows(), 1, config_.ar_width};
  return x;
}

Tensor ArTransformer::scale_input(const Tensor& tokens, int repeat) const {
  if (tokens.rank() != 3 || tokens.dim(2) != config_.latent_channels)
    throw Error("FlowAR AR input: tokens " + tokens.shape_str() + ", expected [B, s², " +
                std::to_string(config_.latent_channels) + "]");
  const Tensor z = nn::linear(tokens, weights_.z_proj_weight, &weights_.z_proj_bias, "z_proj");
  Tensor x({z.dim(0) * repeat, z.dim(1), z.dim(2)});
  for (int rep = 0; rep < repeat; ++rep)
    std::memcpy(x.ptr() + rep * z.numel(), z.ptr(), sizeof(float) * z.numel());
  return x;
}

void ArTransformer::block_forward(const ArBlockWeights& b, const Tensor& ada, Tensor& x,
                                  nn::KvCache& cache, int cache_layer, int site_layer, int scale,
                                  const RopeTable& rope, const ArContext& context) const {
  // ada chunks: 0 gamma1, 1 gamma2, 2 scale1, 3 scale2, 4 shift1, 5 shift2 (flowar.md §4).
  const int64_t R = x.dim(0), n = x.dim(1), C = config_.ar_width, H = config_.ar_heads,
                hd = config_.ar_head_dim();
  const attention::Variant& variant = context.attention ? *context.attention : *exact_;
  {
    PartTimer timer(context.observer, observe::Part::kAttention, ar_site(scale, site_layer));
    const Tensor h = modulated_rms_norm(x, ada, 2, 4);
    const Tensor qkv = nn::linear(h, b.qkv_weight, &b.qkv_bias, "attn.qkv");  // (R, n, 3C)
    Tensor attn_out({R, n, C});
    // The cached keys are the tokens of scales 0..scale (window attention needs their layout).
    const std::vector<int> key_sides(config_.scales.begin(), config_.scales.begin() + scale + 1);
    for (int64_t r = 0; r < R; ++r) {
      Tensor q = split_heads(qkv, r, 0, H, hd);
      Tensor k = split_heads(qkv, r, C, H, hd);
      const Tensor v = split_heads(qkv, r, 2 * C, H, hd);
      apply_rope(q, rope);
      apply_rope(k, rope);  // cached keys keep the rotation of their own scale
      cache.append(cache_layer, r, k, v);
      const Tensor out = run_attention(variant, context.observer, ar_site(scale, site_layer, r, R), q,
                                       cache.keys(cache_layer, r), cache.values(cache_layer, r), key_sides);
      merge_heads(out, attn_out, r);
    }
    add_gated(x, nn::linear(attn_out, b.proj_weight, &b.proj_bias, "attn.proj"), ada, 0);
  }
  PartTimer timer(context.observer, observe::Part::kMlp, ar_site(scale, site_layer));
  const Tensor h = modulated_rms_norm(x, ada, 3, 5);
  add_gated(x, swiglu_mlp(h, b.mlp), ada, 1);
}

Tensor ArTransformer::forward_scale(const Tensor& x_in, const ArConditioning& cd, ArCache& cache,
                                    int scale, const ArContext& context) const {
  if (scale < 0 || scale >= config_.num_scales())
    throw Error("FlowAR AR: scale " + std::to_string(scale) + " outside 0.." +
                std::to_string(config_.num_scales() - 1));
  const int64_t R = cd.rows(), n = config_.scale_tokens(scale), C = config_.ar_width;
  if (x_in.shape != Shape{R, n, C})
    throw Error("FlowAR AR: input of scale " + std::to_string(scale) + " has shape " +
                x_in.shape_str() + ", expected " + shape_to_string({R, n, C}));
  const int64_t begin = config_.scale_begin(scale);
  const RopeTable rope = rope_table(weights_.rope_freqs, side_of_tokens(n), config_.full_side());

  Tensor x = x_in;
  {
    PartTimer timer(context.observer, observe::Part::kEmbedding, ar_site(scale, -1));
    add_position_rows(x, weights_.encoder_pos, begin);
    x = rms_norm(x, &weights_.z_proj_ln);
  }
  for (int i = 0; i < config_.encoder_depth; ++i)
    block_forward(weights_.encoder_blocks[i], cd.encoder_ada[i], x, cache.encoder, i, i, scale,
                  rope, context);
  {
    PartTimer timer(context.observer, observe::Part::kEmbedding, ar_site(scale, config_.encoder_depth));
    x = rms_norm(x, &weights_.encoder_norm);
    x = nn::linear(x, weights_.decoder_embed_weight, &weights_.decoder_embed_bias, "decoder_embed");
    add_position_rows(x, weights_.decoder_pos, begin);
  }
  for (int i = 0; i < config_.decoder_depth; ++i)
    block_forward(weights_.decoder_blocks[i], cd.decoder_ada[i], x, cache.decoder, i,
                  config_.encoder_depth + i, scale, rope, context);
  PartTimer timer(context.observer, observe::Part::kHead,
                  ar_site(scale, config_.encoder_depth + config_.decoder_depth));
  x = rms_norm(x, &weights_.decoder_norm);
  add_position_rows(x, weights_.diffusion_pos, begin);
  return x;
}

int64_t linear_weight_bytes(const ArWeights& w) {
  int64_t bytes = w.decoder_embed_weight.bytes();
  for (const auto* blocks : {&w.encoder_blocks, &w.decoder_blocks})
    for (const ArBlockWeights& b : *blocks)
      bytes += b.ada_lin_weight.bytes() + b.qkv_weight.bytes() + b.proj_weight.bytes() + b.mlp.fc1_g_weight.bytes() +
               b.mlp.fc1_x_weight.bytes() + b.mlp.fc2_weight.bytes();
  return bytes;
}

}  // namespace vs::flowar
