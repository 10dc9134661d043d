#include "core/var/var_transformer.h"

#include <cmath>
#include <cstring>

#include "core/error.h"
#include "core/nn/activations.h"
#include "core/nn/linear.h"
#include "core/observe/attend.h"
#include "core/var/token_pruning.h"

namespace vs::var {

namespace {

using observe::PartTimer;

// A site of VAR's transformer (module var, self-attention).
observe::Site var_site(int scale, int block, int64_t row = 0, int64_t rows = 1) {
  return observe::Site::at(observe::Module::kVar, scale, block, row, rows);
}

// y = LN(x)·(1 + scale) + shift per batch row (var.md §3.3, §3.5): LayerNorm over C with
// eps 1e-6, biased variance, no affine. x (R, n, C); ada (R, A·C) holds scale and shift
// at column blocks `scale_chunk` and `shift_chunk`.
Tensor modulated_layer_norm(const Tensor& x, const Tensor& ada, int scale_chunk, int shift_chunk) {
  const int64_t R = x.dim(0), n = x.dim(1), C = x.dim(2), A = ada.dim(1);
  Tensor y(x.shape);
#pragma omp parallel for schedule(static) if (R * n * C > 32768)
  for (int64_t rt = 0; rt < R * n; ++rt) {
    const int64_t r = rt / n;
    const float* xi = x.ptr() + rt * C;
    const float* scale = ada.ptr() + r * A + scale_chunk * C;
    const float* shift = ada.ptr() + r * A + shift_chunk * C;
    double mean = 0, var = 0;
    for (int64_t c = 0; c < C; ++c) mean += xi[c];
    mean /= double(C);
    for (int64_t c = 0; c < C; ++c) var += (xi[c] - mean) * (xi[c] - mean);
    var /= double(C);
    const float inv = float(1.0 / std::sqrt(var + 1e-6));
    const float m = float(mean);
    float* yi = y.ptr() + rt * C;
    for (int64_t c = 0; c < C; ++c) yi[c] = ((xi[c] - m) * inv) * (1.0f + scale[c]) + shift[c];
  }
  return y;
}

// x += y · gamma (gamma = column block `chunk` of ada, per row).
void add_gated(Tensor& x, const Tensor& y, const Tensor& ada, int chunk) {
  const int64_t R = x.dim(0), n = x.dim(1), C = x.dim(2), A = ada.dim(1);
#pragma omp parallel for schedule(static) if (R * n * C > 32768)
  for (int64_t rt = 0; rt < R * n; ++rt) {
    const float* gamma = ada.ptr() + (rt / n) * A + chunk * C;
    float* xi = x.ptr() + rt * C;
    const float* yi = y.ptr() + rt * C;
    for (int64_t c = 0; c < C; ++c) xi[c] += yi[c] * gamma[c];
  }
}

// y · gamma (gamma = column block `chunk` of ada, per row): a branch output as FastVAR
// caches it.
Tensor gated(const Tensor& y, const Tensor& ada, int chunk) {
  const int64_t n = y.dim(1), C = y.dim(2), A = ada.dim(1);
  Tensor out(y.shape);
  for (int64_t rt = 0; rt < y.dim(0) * n; ++rt) {
    const float* gamma = ada.ptr() + (rt / n) * A + chunk * C;
    for (int64_t c = 0; c < C; ++c) out.data[rt * C + c] = y.data[rt * C + c] * gamma[c];
  }
  return out;
}

// q / max(‖q‖₂, 1e-12) · multiplier over each hd-vector (F.normalize, var.md §3.4).
void l2_normalize_rows(Tensor& t, const std::vector<float>* multipliers) {
  const int64_t H = t.dim(0), n = t.dim(1), d = t.dim(2);
  for (int64_t h = 0; h < H; ++h) {
    const float mul = multipliers ? (*multipliers)[h] : 1.0f;
    for (int64_t i = 0; i < n; ++i) {
      float* v = t.ptr() + (h * n + i) * d;
      float sq = 0;
      for (int64_t c = 0; c < d; ++c) sq += v[c] * v[c];
      const float denom = std::max(std::sqrt(sq), 1e-12f);
      for (int64_t c = 0; c < d; ++c) v[c] = v[c] / denom * mul;
    }
  }
}

}  // namespace

VarTransformer VarTransformer::from_checkpoint(io::Checkpoint checkpoint, const std::vector<int>& patch_nums,
                                               WeightPrecision precision) {
  VarConfig config = infer_var_config(checkpoint, patch_nums);
  return VarTransformer(std::move(config), std::move(checkpoint), precision);
}

VarTransformer::VarTransformer(VarConfig config, io::Checkpoint checkpoint, WeightPrecision precision)
    : config_(std::move(config)),
      weights_(take_var_weights(config_, checkpoint, precision)),
      exact_(attention::make_variant("exact")) {}

const attention::Variant& VarTransformer::attention_of(const ForwardContext& context) const {
  return context.attention ? *context.attention : *exact_;
}

nn::KvCache VarTransformer::make_cache(int64_t rows) const {
  nn::KvCache cache;
  cache.reset(config_.depth, rows, config_.heads, config_.head_dim(), config_.tokens());
  return cache;
}

Conditioning Conditioning::first_rows(int64_t count) const {
  if (count < 1 || count > rows())
    throw Error("VAR: " + std::to_string(count) + " conditioning rows asked of " + std::to_string(rows()));
  auto head = [count](const Tensor& t) {
    const int64_t per_row = t.numel() / t.dim(0);
    Tensor out;
    out.shape = t.shape;
    out.shape[0] = count;
    out.data.assign(t.data.begin(), t.data.begin() + count * per_row);
    return out;
  };
  Conditioning out;
  out.labels.assign(labels.begin(), labels.begin() + count);
  out.cond = head(cond);
  for (const Tensor& ada : block_ada) out.block_ada.push_back(head(ada));
  out.head_ada = head(head_ada);
  return out;
}

Conditioning VarTransformer::condition(const std::vector<int64_t>& labels) const {
  const int64_t R = static_cast<int64_t>(labels.size()), C = config_.width;
  Conditioning cd;
  cd.cond = Tensor({R, C});
  for (int64_t r = 0; r < R; ++r) {
    int64_t label = labels[r] < 0 ? config_.null_class() : labels[r];
    if (label > config_.null_class())
      throw Error("VAR: class label " + std::to_string(labels[r]) + " is outside 0.." +
                  std::to_string(config_.num_classes - 1) + " (negative = unconditional)");
    cd.labels.push_back(label);
    std::memcpy(cd.cond.ptr() + r * C, weights_.class_emb.ptr() + label * C, sizeof(float) * C);
  }
  // AdaLN conditioning: Linear(SiLU(cond)) (var.md §3.3); shared_aln adds ada_gss per block.
  Tensor silu_cond = cd.cond;
  nn::silu_inplace(silu_cond);
  Tensor shared;
  if (config_.shared_aln)
    shared = nn::linear(silu_cond, weights_.shared_ada_weight, &weights_.shared_ada_bias,
                        "shared_ada_lin.1");
  for (int i = 0; i < config_.depth; ++i) {
    const VarBlockWeights& b = weights_.blocks[i];
    if (config_.shared_aln) {
      Tensor ada = shared;
      for (int64_t r = 0; r < R; ++r)
        for (int64_t j = 0; j < 6 * C; ++j) ada.data[r * 6 * C + j] += b.ada_gss.data[j];
      cd.block_ada.push_back(std::move(ada));
    } else {
      cd.block_ada.push_back(nn::linear(silu_cond, b.ada_lin_weight, &b.ada_lin_bias, "ada_lin.1"));
    }
  }
  cd.head_ada = nn::linear(silu_cond, weights_.head_nm_weight, &weights_.head_nm_bias,
                           "head_nm.ada_lin.1");
  return cd;
}

void VarTransformer::block_forward(int layer, Tensor& x, const Conditioning& cd, nn::KvCache* cache,
                                   const attention::Structure& structure, int step,
                                   const ForwardContext& context) const {
  const VarBlockWeights& b = weights_.blocks[layer];
  const Tensor& ada = cd.block_ada[layer];  // chunks: 0 gamma1, 1 gamma2, 2 scale1, 3 scale2, 4 shift1, 5 shift2
  const int64_t R = x.dim(0), n = x.dim(1), C = config_.width, H = config_.heads,
                hd = config_.head_dim();
  observe::Observer* observer = context.observer;
  const attention::Variant& variant = attention_of(context);

  // FastVAR (token_pruning.h): at a pruned scale each sub-layer runs on the pivotal tokens
  // of x only; at the cache scale each sub-layer's branch output is kept.
  FastVarState* fastvar = cache ? context.fastvar : nullptr;
  const double prune_ratio = fastvar ? fastvar->ratio(step) : 0.0;
  // A share that prunes no token (⌊n·ratio⌋ = 0) runs the exact code.
  const bool prune = std::floor(double(n) * prune_ratio) >= 1, store = fastvar && fastvar->is_cache_scale(step);
  auto select = [&]() {
    std::vector<std::vector<int64_t>> kept(static_cast<size_t>(R));
    if (!prune) return kept;
    for (int64_t r = 0; r < R; ++r) kept[r] = pivotal_tokens(x.ptr() + r * n * C, n, C, prune_ratio);
    fastvar->record(step, n, kept[0]);
    return kept;
  };
  // x += the branch y·gamma: where pruned, the cache scale's branch output resampled.
  auto add_branch = [&](int sublayer, const Tensor& y, int chunk, const std::vector<std::vector<int64_t>>& kept) {
    if (store) fastvar->store(layer, sublayer, gated(y, ada, chunk));
    if (!prune) {
      add_gated(x, y, ada, chunk);
      return;
    }
    Tensor full = fastvar->restored(layer, sublayer, R, config_.patch_nums[step]);  // (R, n, C)
    const Tensor fresh = gated(y, ada, chunk);                                       // (R, K, C)
    const int64_t K = fresh.dim(1);
    for (int64_t r = 0; r < R; ++r)
      for (int64_t j = 0; j < K; ++j)
        std::memcpy(full.ptr() + (r * n + kept[r][j]) * C, fresh.ptr() + (r * K + j) * C, sizeof(float) * C);
    for (int64_t i = 0; i < x.numel(); ++i) x.data[i] += full.data[i];
  };

  {
    PartTimer timer(observer, observe::Part::kAttention, var_site(step, layer));
    const std::vector<std::vector<int64_t>> kept = select();
    const Tensor pruned = prune ? gather_tokens(x, kept) : Tensor();
    const Tensor& input = prune ? pruned : x;
    const int64_t n = input.dim(1);  // the tokens that run: all, or the kept ones
    Tensor attn_out({R, n, C});
    const Tensor h = modulated_layer_norm(input, ada, 2, 4);
    const Tensor qkv = nn::linear(h, b.qkv_weight, &b.qkv_bias, "attn.mat_qkv");  // (R, n, 3C)
    const float softmax_scale = config_.attn_l2_norm ? 1.0f : 0.25f / std::sqrt(float(hd));  // var.md §3.4
    // Row r's heads (H, n, hd), q and k l2-normalised; with need_qk false only v.
    struct Heads {
      Tensor q, k, v;
    };
    auto heads_of = [&](int64_t r, bool need_qk) {
      Heads out{need_qk ? Tensor({H, n, hd}) : Tensor(), need_qk ? Tensor({H, n, hd}) : Tensor(), Tensor({H, n, hd})};
      const float* row = qkv.ptr() + r * n * 3 * C;
      for (int64_t t = 0; t < n; ++t)
        for (int64_t hh = 0; hh < H; ++hh) {
          const float* src = row + t * 3 * C + hh * hd;
          const int64_t dst = (hh * n + t) * hd;
          if (need_qk) {
            std::memcpy(out.q.ptr() + dst, src, sizeof(float) * hd);
            std::memcpy(out.k.ptr() + dst, src + C, sizeof(float) * hd);
          }
          std::memcpy(out.v.ptr() + dst, src + 2 * C, sizeof(float) * hd);
        }
      if (need_qk && config_.attn_l2_norm) {
        l2_normalize_rows(out.q, &b.q_multiplier);
        l2_normalize_rows(out.k, nullptr);
      }
      return out;
    };
    // cfg-share: conditional row r's probabilities also weigh unconditional row r + R/2's values.
    const bool share = cache && !prune && step >= context.share_cfg_from && R == cache->rows() && R % 2 == 0;
    const int64_t calls = share ? R / 2 : R;
    // A KV-cache step's keys are the tokens of scales 0..step (window attention needs their layout).
    const std::vector<int> key_sides =
        cache && step >= 0 ? std::vector<int>(config_.patch_nums.begin(), config_.patch_nums.begin() + step + 1)
                           : std::vector<int>();
    for (int64_t r = 0; r < calls; ++r) {
      const Heads heads = heads_of(r, true);
      const Tensor* keys = &heads.k;
      const Tensor* values = &heads.v;
      Tensor both_values;  // cfg-share: (H, Lk, 2·hd), the two rows' values side by side
      if (cache) {
        cache->append(layer, r, heads.k, heads.v);
        keys = &cache->keys(layer, r);
        values = &cache->values(layer, r);
      }
      if (share) {
        cache->append_values(layer, r + calls, heads_of(r + calls, false).v);
        const Tensor& other = cache->values(layer, r + calls);
        const int64_t lk = values->dim(1);
        both_values = Tensor({H, lk, 2 * hd});
        for (int64_t i = 0; i < H * lk; ++i) {
          std::memcpy(both_values.ptr() + i * 2 * hd, values->ptr() + i * hd, sizeof(float) * hd);
          std::memcpy(both_values.ptr() + i * 2 * hd + hd, other.ptr() + i * hd, sizeof(float) * hd);
        }
        values = &both_values;
      }
      const attention::Result result = observe::observed_attention(
          variant, observer, var_site(step, layer, r, R), heads.q, *keys, *values, structure, softmax_scale, key_sides);
      // (H, n, hd) -> (n, C), heads concatenated; cfg-share's second hd features are row r + R/2's.
      const int64_t dv = values->dim(2);
      for (int64_t part = 0; part < dv / hd; ++part) {
        float* dst_row = attn_out.ptr() + (r + part * calls) * n * C;
        for (int64_t hh = 0; hh < H; ++hh)
          for (int64_t t = 0; t < n; ++t)
            std::memcpy(dst_row + t * C + hh * hd, result.out.ptr() + (hh * n + t) * dv + part * hd,
                        sizeof(float) * hd);
      }
    }
    const Tensor projected = nn::linear(attn_out, b.proj_weight, &b.proj_bias, "attn.proj");
    add_branch(0, projected, 0, kept);
  }
  {
    PartTimer timer(observer, observe::Part::kMlp, var_site(step, layer));
    const std::vector<std::vector<int64_t>> kept = select();
    const Tensor pruned = prune ? gather_tokens(x, kept) : Tensor();
    const Tensor h = modulated_layer_norm(prune ? pruned : x, ada, 3, 5);
    Tensor hidden = nn::linear(h, b.fc1_weight, &b.fc1_bias, "ffn.fc1");
    float* p = hidden.ptr();
    const int64_t count = hidden.numel();
#pragma omp parallel for schedule(static) if (count > 65536)
    for (int64_t i = 0; i < count; ++i) p[i] = nn::gelu_tanh(p[i]);
    const Tensor out = nn::linear(hidden, b.fc2_weight, &b.fc2_bias, "ffn.fc2");
    add_branch(1, out, 1, kept);
  }
}

Tensor VarTransformer::logits(const Tensor& hidden, const Conditioning& cd,
                              const ForwardContext& context, int step) const {
  PartTimer timer(context.observer, observe::Part::kHead, var_site(step, config_.depth));
  const Tensor y = modulated_layer_norm(hidden, cd.head_ada, 0, 1);
  return nn::linear(y, weights_.head_weight, &weights_.head_bias, "head");
}

Tensor VarTransformer::forward_teacher(const std::vector<int64_t>& labels, const Tensor& var_input,
                                       const ForwardContext& context, TeacherTrace* trace) const {
  const int64_t B = static_cast<int64_t>(labels.size()), L = config_.tokens(),
                C = config_.width;
  const Shape expected{B, L - 1, config_.cvae};
  if (var_input.shape != expected)
    throw Error("VAR teacher-forced pass: var_input has shape " + var_input.shape_str() +
                ", expected " + shape_to_string(expected));
  const Conditioning cd = condition(labels);
  // x = [cond + pos_start; word_embed(var_input)] + lvl_pos (var.md §3.1).
  Tensor x({B, L, C});
  {
    PartTimer timer(context.observer, observe::Part::kEmbedding, var_site(-1, -1));
    const Tensor words =
        nn::linear(var_input, weights_.word_embed_weight, &weights_.word_embed_bias, "word_embed");
    for (int64_t r = 0; r < B; ++r) {
      float* xr = x.ptr() + r * L * C;
      for (int64_t c = 0; c < C; ++c) xr[c] = cd.cond.data[r * C + c] + weights_.pos_start.data[c];
      std::memcpy(xr + C, words.ptr() + r * (L - 1) * C, sizeof(float) * (L - 1) * C);
      for (int64_t i = 0; i < L * C; ++i) xr[i] += weights_.lvl_pos.data[i];
    }
  }
  if (trace) {
    trace->x_in = x;
    trace->block_out.clear();
  }
  const attention::Structure structure = attention::Structure::block_causal(config_.patch_nums);
  for (int i = 0; i < config_.depth; ++i) {
    block_forward(i, x, cd, nullptr, structure, -1, context);
    if (trace) trace->block_out.push_back(x);
  }
  return logits(x, cd, context, -1);
}

Tensor VarTransformer::first_scale_input(const Conditioning& cd) const {
  const int64_t R = cd.rows(), C = config_.width;
  Tensor x({R, 1, C});
  for (int64_t r = 0; r < R; ++r)
    for (int64_t c = 0; c < C; ++c)
      x.data[r * C + c] =
          (cd.cond.data[r * C + c] + weights_.pos_start.data[c]) + weights_.lvl_pos.data[c];
  return x;
}

Tensor VarTransformer::scale_input(const Tensor& next_tokens, int scale, int repeat) const {
  if (scale < 1 || scale >= config_.num_scales())
    throw Error("VAR: scale_input for scale " + std::to_string(scale) + " outside 1.." +
                std::to_string(config_.num_scales() - 1));
  const int64_t n = config_.scale_tokens(scale), C = config_.width;
  if (next_tokens.rank() != 3 || next_tokens.dim(1) != n || next_tokens.dim(2) != config_.cvae)
    throw Error("VAR: input of scale " + std::to_string(scale) + " has shape " +
                next_tokens.shape_str() + ", expected [B, " + std::to_string(n) + ", " +
                std::to_string(config_.cvae) + "]");
  const int64_t B = next_tokens.dim(0);
  Tensor words =
      nn::linear(next_tokens, weights_.word_embed_weight, &weights_.word_embed_bias, "word_embed");
  const float* pos = weights_.lvl_pos.ptr() + config_.scale_begin(scale) * C;
  for (int64_t r = 0; r < B; ++r)
    for (int64_t i = 0; i < n * C; ++i) words.data[r * n * C + i] += pos[i];
  Tensor x({B * repeat, n, C});
  for (int rep = 0; rep < repeat; ++rep)
    std::memcpy(x.ptr() + rep * B * n * C, words.ptr(), sizeof(float) * B * n * C);
  return x;
}

Tensor VarTransformer::forward_step(const Tensor& x_in, const Conditioning& cd, nn::KvCache& cache,
                                   int scale, const ForwardContext& context) const {
  const int64_t R = cd.rows(), C = config_.width;
  if (scale < 0 || scale >= config_.num_scales())
    throw Error("VAR: step for scale " + std::to_string(scale) + " outside 0.." +
                std::to_string(config_.num_scales() - 1));
  const int64_t n = config_.scale_tokens(scale);
  if (x_in.shape != Shape{R, n, C})
    throw Error("VAR: step input of scale " + std::to_string(scale) + " has shape " +
                x_in.shape_str() + ", expected " + shape_to_string({R, n, C}));
  // FastVAR appends only the kept tokens' keys: the cache is then shorter.
  if (cache.rows() < R || cache.depth() != config_.depth ||
      (!context.fastvar && cache.tokens(0, 0) != config_.scale_begin(scale)))
    throw Error("VAR: KV cache holds " + std::to_string(cache.depth() ? cache.tokens(0, 0) : 0) +
                " tokens for " + std::to_string(cache.rows()) + " rows, but scale " +
                std::to_string(scale) + " needs " + std::to_string(config_.scale_begin(scale)) +
                " for " + std::to_string(R) + " rows (reset it before scale 0)");
  Tensor x = x_in;
  const attention::Structure structure = attention::Structure::plain();
  for (int i = 0; i < config_.depth; ++i) block_forward(i, x, cd, &cache, structure, scale, context);
  return x;
}

}  // namespace vs::var
