// FlowAR's scale-wise autoregressive transformer (flowar.md §4): class embedding (row
// num_classes = null class), z_proj + z_proj_ln, an "encoder" and a "decoder" stack of
// AdaLN blocks (weightless RMSNorm, biased qkv, RoPE on the per-scale grid, SwiGLU-GELU
// MLP), three learned position tables, block-causal attention through a KV cache (one
// chunk = one scale, so attention over the cache is plain). Output per scale: the
// semantic condition z (R, s², C) handed to the flownet.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "core/attention/attention.h"
#include "core/flowar/flowar_config.h"
#include "core/flowar/flowar_layers.h"
#include "core/io/weight_reader.h"
#include "core/nn/kv_cache.h"
#include "core/observe/observer.h"
#include "core/tensor.h"

namespace vs::flowar {

// {encoder,decoder}_blocks.{i}.*
struct ArBlockWeights {
  nn::PackedWeight ada_lin_weight;  // (6C, C) ada_lin.1.weight (index 0 is the SiLU)
  Tensor ada_lin_bias;    // (6C)
  nn::PackedWeight qkv_weight;      // (3C, C) attn.qkv.weight, rows [q; k; v], head-major
  Tensor qkv_bias;        // (3C)
  nn::PackedWeight proj_weight;     // (C, C) attn.proj.weight
  Tensor proj_bias;       // (C)
  SwiGluWeights mlp;      // mlp.fc1_g / fc1_x (hidden, C), mlp.fc2 (C, hidden)
};

struct ArWeights {
  Tensor class_emb;        // (num_classes + 1, C) class_emb.weight
  Tensor z_proj_weight;    // (C, 16)
  Tensor z_proj_bias;      // (C)
  Tensor z_proj_ln;        // (C) z_proj_ln.weight
  Tensor encoder_pos;      // (1, L, C) encoder_pos_embed_learned
  Tensor decoder_pos;      // (1, L, C) decoder_pos_embed_learned
  Tensor diffusion_pos;    // (1, L, C) diffusion_pos_embed_learned
  std::vector<ArBlockWeights> encoder_blocks;
  Tensor encoder_norm;     // (C)
  nn::PackedWeight decoder_embed_weight;  // (C, C)
  Tensor decoder_embed_bias;    // (C)
  std::vector<ArBlockWeights> decoder_blocks;
  Tensor decoder_norm;     // (C)
  std::vector<float> rope_freqs;  // (hd/4) attn.rope.freqs (recomputed when absent)
};

// Takes the AR keys (and drops the `mask` and rope buffers) out of a checkpoint, every
// Linear weight packed in `precision`.
ArWeights take_ar_weights(const FlowArConfig& config, io::WeightReader& taker,
                          WeightPrecision precision = WeightPrecision::kFp32);
// Bytes of the packed Linear weights (every nn::PackedWeight above).
int64_t linear_weight_bytes(const ArWeights& weights);

// Per-call choices: attention variant (null = exact) and an optional observer. Observer
// sites: step = scale index, layer = encoder block i or encoder_depth + decoder block i.
// Timings: kEmbedding (layer −1: positions + z_proj_ln; layer encoder_depth: encoder_norm
// + decoder_embed), kAttention / kMlp per block, kHead (decoder_norm + diffusion positions).
struct ArContext {
  const attention::Variant* attention = nullptr;
  observe::Observer* observer = nullptr;
};

// What the labels of a batch turn into, once per generation.
struct ArConditioning {
  std::vector<int64_t> labels;          // (R) resolved (null class = num_classes)
  Tensor class_vectors;                 // (R, C) class_emb rows
  std::vector<Tensor> encoder_ada;      // encoder_depth x (R, 6C)
  std::vector<Tensor> decoder_ada;      // decoder_depth x (R, 6C)
  int64_t rows() const { return class_vectors.dim(0); }
  // The first `count` rows (CFG's conditional half, when the null rows stop).
  ArConditioning first_rows(int64_t count) const;
};

// The KV caches of both stacks.
struct ArCache {
  nn::KvCache encoder, decoder;
};

class ArTransformer {
 public:
  ArTransformer(FlowArConfig config, ArWeights weights);

  const FlowArConfig& config() const { return config_; }
  const ArWeights& weights() const { return weights_; }

  // Labels (R): 0..num_classes-1, or negative / num_classes for the null class.
  ArConditioning condition(const std::vector<int64_t>& labels) const;
  ArCache make_cache(int64_t rows) const;

  // Scale 0's input (R, 1, C): the class vectors as they are (no z_proj).
  Tensor first_scale_input(const ArConditioning& conditioning) const;
  // Input of a scale ≥ 1: z_proj(tokens) for tokens (B, s², 16), repeated `repeat` times
  // along rows (CFG: both halves get the conditional sample).
  Tensor scale_input(const Tensor& tokens, int repeat) const;
  // Both stacks on one scale's chunk x (R, s², C), appending to `cache` (fresh for scale
  // 0). Returns z (R, s², C) (decoder_norm output + diffusion positions). A cache of more
  // rows is allowed: its first R rows are used, the others stay as they are.
  Tensor forward_scale(const Tensor& x, const ArConditioning& conditioning, ArCache& cache,
                       int scale, const ArContext& context = {}) const;

 private:
  void block_forward(const ArBlockWeights& b, const Tensor& ada, Tensor& x, nn::KvCache& cache,
                     int cache_layer, int site_layer, int scale, const RopeTable& rope,
                     const ArContext& context) const;

  FlowArConfig config_;
  ArWeights weights_;
  std::shared_ptr<const attention::Variant> exact_;
};

}  // namespace vs::flowar
