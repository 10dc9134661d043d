#include "core/flowar/flownet.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"
#include "core/nn/activations.h"
#include "core/nn/linear.h"
#include "core/observe/attend.h"

namespace vs::flowar {

namespace {

using observe::PartTimer;

// A flownet site: the condition's scale and batch placement, this Euler step and block.
observe::Site flownet_site(const FlownetCondition& cd, int euler_step, int block,
                           observe::AttentionKind kind = observe::AttentionKind::kSelf, int64_t r = 0) {
  observe::Site site = observe::Site::at(observe::Module::kFlownet, cd.scale, block, cd.row_offset + r, cd.rows_total);
  site.kind = kind;
  site.euler_step = euler_step;
  return site;
}

constexpr int kTimeFeatures = 256;

FlownetBlockWeights take_block(io::WeightReader& t, const std::string& p, const FlowArConfig& c,
                               WeightPrecision precision) {
  const int64_t D = c.flow_width, C = c.ar_width, hidden = c.flow_mlp_hidden;
  FlownetBlockWeights b;
  b.qkv_weight = nn::PackedWeight(t.take(p + "attn.qkv.weight", {3 * D, D}), precision);
  b.proj_weight = nn::PackedWeight(t.take(p + "attn.proj.weight", {D, D}), precision);
  b.proj_bias = t.take(p + "attn.proj.bias", {D});
  t.drop(p + "attn.rope.freqs");
  b.mlp.fc1_g_weight = nn::PackedWeight(t.take(p + "mlp.fc1_g.weight", {hidden, D}), precision);
  b.mlp.fc1_g_bias = t.take(p + "mlp.fc1_g.bias", {hidden});
  b.mlp.fc1_x_weight = nn::PackedWeight(t.take(p + "mlp.fc1_x.weight", {hidden, D}), precision);
  b.mlp.fc1_x_bias = t.take(p + "mlp.fc1_x.bias", {hidden});
  b.mlp.fc2_weight = nn::PackedWeight(t.take(p + "mlp.fc2.weight", {D, hidden}), precision);
  b.mlp.fc2_bias = t.take(p + "mlp.fc2.bias", {D});
  if (c.flow_block == FlownetBlock::kV1) {
    b.ada_lin_weight = nn::PackedWeight(t.take(p + "ada_lin.weight", {6 * D, D}), precision);
    b.ada_lin_bias = t.take(p + "ada_lin.bias", {6 * D});
    return b;
  }
  b.ada_lin_attn_weight = nn::PackedWeight(t.take(p + "ada_lin_attn.weight", {3 * D, D}), precision);
  b.ada_lin_attn_bias = t.take(p + "ada_lin_attn.bias", {3 * D});
  b.ada_lin_mlp_weight = nn::PackedWeight(t.take(p + "ada_lin_mlp.weight", {3 * D, D}), precision);
  b.ada_lin_mlp_bias = t.take(p + "ada_lin_mlp.bias", {3 * D});
  b.cross_q_weight = nn::PackedWeight(t.take(p + "crossattn.q.weight", {D, D}), precision);
  b.cross_kv_weight = nn::PackedWeight(t.take(p + "crossattn.kv.weight", {2 * D, C}), precision);
  b.cross_proj_weight = nn::PackedWeight(t.take(p + "crossattn.proj.weight", {D, D}), precision);
  b.cross_proj_bias = t.take(p + "crossattn.proj.bias", {D});
  t.drop(p + "crossattn.rope.freqs");
  b.norm2_1 = t.take(p + "norm2_1.weight", {D});
  b.norm2_2 = t.take(p + "norm2_2.weight", {C});
  return b;
}

// SiLU(c + t) per token: c (R, N, D), t (D).
Tensor silu_of_sum(const Tensor& c, const Tensor& t) {
  Tensor out = c;
  const int64_t D = t.numel();
  for (int64_t i = 0; i < out.numel(); ++i) out.data[i] += t.data[i % D];
  nn::silu_inplace(out);
  return out;
}

}  // namespace

FlownetWeights take_flownet_weights(const FlowArConfig& c, io::WeightReader& t, WeightPrecision precision) {
  const int64_t D = c.flow_width, C = c.ar_width, T = c.latent_channels;
  FlownetWeights w;
  w.rope_freqs = rope_frequencies(c.flow_head_dim());
  w.time_fc1_weight = t.take("flownet.time_embed.mlp.0.weight", {D, kTimeFeatures});
  w.time_fc1_bias = t.take("flownet.time_embed.mlp.0.bias", {D});
  w.time_fc2_weight = t.take("flownet.time_embed.mlp.2.weight", {D, D});
  w.time_fc2_bias = t.take("flownet.time_embed.mlp.2.bias", {D});
  w.cond_embed_weight = nn::PackedWeight(t.take("flownet.cond_embed.weight", {D, C}), precision);
  w.cond_embed_bias = t.take("flownet.cond_embed.bias", {D});
  w.input_proj_weight = t.take("flownet.input_proj.weight", {D, T});
  w.input_proj_bias = t.take("flownet.input_proj.bias", {D});
  for (int i = 0; i < c.flow_depth; ++i)
    w.blocks.push_back(take_block(t, "flownet.res_blocks." + std::to_string(i) + ".", c, precision));
  w.final_ada_weight =
      nn::PackedWeight(t.take("flownet.final_layer.adaLN_modulation.1.weight", {2 * D, D}), precision);
  w.final_ada_bias = t.take("flownet.final_layer.adaLN_modulation.1.bias", {2 * D});
  w.final_linear_weight = t.take("flownet.final_layer.linear.weight", {T, D});
  w.final_linear_bias = t.take("flownet.final_layer.linear.bias", {T});
  return w;
}

std::vector<float> timestep_embedding(int64_t time_integer, int dim) {
  const int half = dim / 2;
  std::vector<float> out(dim, 0.0f);
  const float neg_log_period = -static_cast<float>(std::log(10000.0));
  const float t = static_cast<float>(time_integer);
  for (int j = 0; j < half; ++j) {
    const float freq = std::exp(neg_log_period * float(j) / float(half));
    const float arg = t * freq;
    out[j] = std::cos(arg);
    out[half + j] = std::sin(arg);
  }
  return out;
}

Flownet::Flownet(FlowArConfig config, FlownetWeights weights)
    : config_(std::move(config)), weights_(std::move(weights)),
      exact_(attention::make_variant("exact")) {}

FlownetCondition Flownet::prepare(const Tensor& z, int scale, int64_t row_offset,
                                  int64_t rows_total) const {
  if (z.rank() != 3 || z.dim(2) != config_.ar_width)
    throw Error("FlowAR flownet: condition z " + z.shape_str() + ", expected [R, s², " +
                std::to_string(config_.ar_width) + "]");
  const int64_t R = z.dim(0), N = z.dim(1), D = config_.flow_width, H = config_.flow_heads,
                hd = config_.flow_head_dim();
  FlownetCondition cd;
  cd.scale = scale;
  cd.row_offset = row_offset;
  cd.rows_total = rows_total < 0 ? R : rows_total;
  cd.rope = rope_table(weights_.rope_freqs, side_of_tokens(N), config_.full_side());
  cd.c = nn::linear(z, weights_.cond_embed_weight, &weights_.cond_embed_bias, "flownet.cond_embed");
  if (config_.flow_block == FlownetBlock::kV2) {
    for (const FlownetBlockWeights& b : weights_.blocks) {
      const Tensor kv = nn::linear(rms_norm(z, &b.norm2_2), b.cross_kv_weight, nullptr, "crossattn.kv");
      std::vector<Tensor> keys, values;
      for (int64_t r = 0; r < R; ++r) {
        Tensor k = split_heads(kv, r, 0, H, hd);
        apply_rope(k, cd.rope);
        keys.push_back(std::move(k));
        values.push_back(split_heads(kv, r, D, H, hd));
      }
      cd.cross_k.push_back(std::move(keys));
      cd.cross_v.push_back(std::move(values));
    }
  }
  return cd;
}

Tensor Flownet::self_attention(const FlownetBlockWeights& b, const Tensor& h, int block,
                               const FlownetCondition& cd, const attention::Variant& variant,
                               observe::Observer* observer, int euler_step) const {
  const int64_t R = h.dim(0), N = h.dim(1), D = config_.flow_width, H = config_.flow_heads,
                hd = config_.flow_head_dim();
  const Tensor qkv = nn::linear(h, b.qkv_weight, nullptr, "attn.qkv");  // (R, N, 3D)
  Tensor out({R, N, D});
  for (int64_t r = 0; r < R; ++r) {
    Tensor q = split_heads(qkv, r, 0, H, hd);
    Tensor k = split_heads(qkv, r, D, H, hd);
    const Tensor v = split_heads(qkv, r, 2 * D, H, hd);
    apply_rope(q, cd.rope);
    apply_rope(k, cd.rope);
    merge_heads(run_attention(variant, observer,
                              flownet_site(cd, euler_step, block, observe::AttentionKind::kSelf, r), q, k, v),
                out, r);
  }
  return nn::linear(out, b.proj_weight, &b.proj_bias, "attn.proj");
}

Tensor Flownet::cross_attention(const FlownetBlockWeights& b, int block, const Tensor& x,
                                const FlownetCondition& cd, const attention::Variant& variant,
                                observe::Observer* observer, int euler_step) const {
  const int64_t R = x.dim(0), N = x.dim(1), D = config_.flow_width, H = config_.flow_heads,
                hd = config_.flow_head_dim();
  const Tensor q_all = nn::linear(rms_norm(x, &b.norm2_1), b.cross_q_weight, nullptr, "crossattn.q");
  Tensor out({R, N, D});
  for (int64_t r = 0; r < R; ++r) {
    Tensor q = split_heads(q_all, r, 0, H, hd);
    apply_rope(q, cd.rope);
    merge_heads(run_attention(variant, observer,
                              flownet_site(cd, euler_step, block, observe::AttentionKind::kCross, r), q,
                              cd.cross_k[block][r], cd.cross_v[block][r]),
                out, r);
  }
  return nn::linear(out, b.cross_proj_weight, &b.cross_proj_bias, "crossattn.proj");
}

Tensor Flownet::velocity(const Tensor& x_t, int64_t time_integer, const FlownetCondition& cd,
                         const FlownetContext& context) const {
  const int64_t R = cd.rows(), N = cd.c.dim(1), D = config_.flow_width;
  if (x_t.shape != Shape{R, N, config_.latent_channels})
    throw Error("FlowAR flownet: x_t " + x_t.shape_str() + ", expected " +
                shape_to_string({R, N, config_.latent_channels}));
  const attention::Variant& variant = context.attention ? *context.attention : *exact_;

  observe::Observer* observer = context.observer;
  const int euler_step = context.euler_step;
  Tensor t, silu_ct, x;
  {
    PartTimer timer(observer, observe::Part::kEmbedding, flownet_site(cd, euler_step, -1));
    // Time embedding (1, D): mlp(sinusoid(t_int)) (flowar.md §5).
    t = Tensor({1, kTimeFeatures});
    t.data = timestep_embedding(time_integer, kTimeFeatures);
    t = nn::linear(t, weights_.time_fc1_weight, &weights_.time_fc1_bias, "time_embed.mlp.0");
    nn::silu_inplace(t);
    t = nn::linear(t, weights_.time_fc2_weight, &weights_.time_fc2_bias, "time_embed.mlp.2");
    silu_ct = silu_of_sum(cd.c, t);  // (R, N, D), shared by the per-token AdaLNs
    x = nn::linear(x_t, weights_.input_proj_weight, &weights_.input_proj_bias, "input_proj");
  }
  for (int i = 0; i < config_.flow_depth; ++i) {
    const FlownetBlockWeights& b = weights_.blocks[i];
    if (config_.flow_block == FlownetBlock::kV1) {
      // Per-token chunks: 0 gamma1, 1 gamma2, 2 scale1, 3 scale2, 4 shift1, 5 shift2.
      Tensor ada;
      {
        PartTimer timer(observer, observe::Part::kAttention, flownet_site(cd, euler_step, i));
        ada = nn::linear(silu_ct, b.ada_lin_weight, &b.ada_lin_bias, "ada_lin");
        add_gated(x, self_attention(b, modulated_rms_norm(x, ada, 2, 4), i, cd, variant, observer, euler_step),
                  ada, 0);
      }
      PartTimer timer(observer, observe::Part::kMlp, flownet_site(cd, euler_step, i));
      add_gated(x, swiglu_mlp(modulated_rms_norm(x, ada, 3, 5), b.mlp), ada, 1);
    } else {
      // Per-token MLP AdaLN on SiLU(c + t): 0 gamma2, 1 scale2, 2 shift2.
      Tensor ada_mlp;
      {
        PartTimer timer(observer, observe::Part::kAttention, flownet_site(cd, euler_step, i));
        // Per-sample attention AdaLN on SiLU(t): 0 gamma1, 1 scale1, 2 shift1 (all rows alike).
        Tensor silu_t = t;
        nn::silu_inplace(silu_t);
        const Tensor ada_one =
            nn::linear(silu_t, b.ada_lin_attn_weight, &b.ada_lin_attn_bias, "ada_lin_attn");
        Tensor ada_attn({R, 3 * D});
        for (int64_t r = 0; r < R; ++r)
          std::copy(ada_one.data.begin(), ada_one.data.end(), ada_attn.data.begin() + r * 3 * D);
        add_gated(x, self_attention(b, modulated_rms_norm(x, ada_attn, 1, 2), i, cd, variant, observer, euler_step),
                  ada_attn, 0);
        add_inplace(x, cross_attention(b, i, x, cd, variant, observer, euler_step));  // ungated
      }
      PartTimer timer(observer, observe::Part::kMlp, flownet_site(cd, euler_step, i));
      ada_mlp = nn::linear(silu_ct, b.ada_lin_mlp_weight, &b.ada_lin_mlp_bias, "ada_lin_mlp");
      add_gated(x, swiglu_mlp(modulated_rms_norm(x, ada_mlp, 1, 2), b.mlp), ada_mlp, 0);
    }
  }
  PartTimer head_timer(observer, observe::Part::kHead, flownet_site(cd, euler_step, config_.flow_depth));
  // Final layer: adaLN_modulation(SiLU(c + t)) split as shift, scale (flowar.md §5).
  const Tensor mod = nn::linear(silu_ct, weights_.final_ada_weight, &weights_.final_ada_bias,
                                "final_layer.adaLN_modulation.1");
  return nn::linear(modulated_rms_norm(x, mod, 1, 0), weights_.final_linear_weight,
                    &weights_.final_linear_bias, "final_layer.linear");
}

int64_t linear_weight_bytes(const FlownetWeights& w) {
  int64_t bytes = w.cond_embed_weight.bytes() + w.final_ada_weight.bytes();
  for (const FlownetBlockWeights& b : w.blocks)
    bytes += b.qkv_weight.bytes() + b.proj_weight.bytes() + b.mlp.fc1_g_weight.bytes() + b.mlp.fc1_x_weight.bytes() +
             b.mlp.fc2_weight.bytes() + b.ada_lin_weight.bytes() + b.ada_lin_attn_weight.bytes() +
             b.ada_lin_mlp_weight.bytes() + b.cross_q_weight.bytes() + b.cross_kv_weight.bytes() +
             b.cross_proj_weight.bytes();
  return bytes;
}

}  // namespace vs::flowar
