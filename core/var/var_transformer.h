// The VAR transformer (var.md §3): class/position/level embeddings, AdaLN blocks (or
// shared AdaLN), l2-normalised attention with a clamped per-head temperature, tanh-GELU
// FFN, head_nm and head. Every parameter is named by its checkpoint key in the comments;
// loading is strict (missing, unexpected and mis-shaped keys are one error).
//
// Two entry points share the block code: a teacher-forced pass over the whole sequence
// with the block-causal mask (parity, scoring) and a KV-cache step over one scale's
// tokens (sampling). Every attention call goes through an attention::Variant and, when
// one is attached, an observe::Observer.
#pragma once
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "core/attention/attention.h"
#include "core/io/checkpoint.h"
#include "core/nn/kv_cache.h"
#include "core/observe/observer.h"
#include "core/tensor.h"
#include "core/var/var_config.h"
#include "core/var/var_weights.h"

namespace vs::var {

class FastVarState;

// What the class labels of a batch turn into, computed once per generation.
struct Conditioning {
  std::vector<int64_t> labels;     // (R) resolved class indices (null class = num_classes)
  Tensor cond;                     // (R, C) class_emb rows
  std::vector<Tensor> block_ada;   // depth x (R, 6C): gamma1, gamma2, scale1, scale2, shift1, shift2
  Tensor head_ada;                 // (R, 2C): scale, shift
  int64_t rows() const { return cond.dim(0); }
  // The first `count` rows (CFG's conditional half, when the unconditional rows stop).
  Conditioning first_rows(int64_t count) const;
};

// Per-call choices: the attention variant (null = the model's exact attention) and an
// optional observer.
struct ForwardContext {
  const attention::Variant* attention = nullptr;
  observe::Observer* observer = nullptr;
  // FastVAR's token pruning in KV-cache steps (token_pruning.h); null: every token runs.
  FastVarState* fastvar = nullptr;
  // cfg-share (LiteVAR's ASC, acceleration.md §4): from this scale on, a KV-cache step
  // whose rows are CFG's whole batch (B conditional rows, then B unconditional, as many as
  // the cache has) computes the conditional rows' attention probabilities once and applies
  // them to both halves' values; the unconditional rows' keys are then no longer cached.
  int share_cfg_from = std::numeric_limits<int>::max();
};

// Intermediate tensors of a teacher-forced pass, filled on request (parity tests).
struct TeacherTrace {
  Tensor x_in;                     // (B, L, C) input of block 0
  std::vector<Tensor> block_out;   // depth x (B, L, C)
};

class VarTransformer {
 public:
  // Takes the checkpoint's tensors (move it in to avoid copies). patch_nums as in
  // infer_var_config; Linear weights stored in `precision`. Throws one vs::Error listing
  // missing / unexpected / mis-shaped keys.
  static VarTransformer from_checkpoint(io::Checkpoint checkpoint, const std::vector<int>& patch_nums = {},
                                        WeightPrecision precision = WeightPrecision::kFp32);
  VarTransformer(VarConfig config, io::Checkpoint checkpoint, WeightPrecision precision = WeightPrecision::kFp32);

  const VarConfig& config() const { return config_; }
  const VarWeights& weights() const { return weights_; }

  // Labels (R): 0..num_classes-1, or negative / num_classes for the null class.
  Conditioning condition(const std::vector<int64_t>& labels) const;

  // Teacher-forced logits (B, L, V) for labels (B) and var_input (B, L-1, Cvae), the
  // area-resampled f_hat inputs of scales 1..K-1 (var.md §2.5 idxBl_to_var_input).
  Tensor forward_teacher(const std::vector<int64_t>& labels, const Tensor& var_input,
                         const ForwardContext& context = {}, TeacherTrace* trace = nullptr) const;

  // Sampling steps (var.md §4). The first scale's input (R, 1, C):
  // cond + pos_start + lvl_pos[0].
  Tensor first_scale_input(const Conditioning& conditioning) const;
  // Input of scale `scale` >= 1 from its area-resampled f_hat tokens (B, pn², Cvae):
  // word_embed(x) + lvl_pos of the scale, repeated `repeat` times along rows (CFG: 2).
  Tensor scale_input(const Tensor& next_tokens, int scale, int repeat) const;
  // Runs every block on one scale's tokens x (R, pn², C), appending to `cache` (reset it
  // for R rows before scale 0); returns the last block's output (R, pn², C). A cache of
  // more rows is allowed: its first R rows are used, the others stay as they are.
  Tensor forward_step(const Tensor& x, const Conditioning& conditioning, nn::KvCache& cache, int scale,
                      const ForwardContext& context = {}) const;
  // head(head_nm(x, cond)) -> (R, n, V).
  Tensor logits(const Tensor& hidden, const Conditioning& conditioning,
                const ForwardContext& context = {}, int step = -1) const;

  // A cache sized for `rows` rows of a whole generation.
  nn::KvCache make_cache(int64_t rows) const;

 private:
  // One block on x (R, n, C) in place. With a cache, k/v are appended and attention runs
  // over everything cached (plain structure); without, over x's own tokens with
  // `structure`.
  void block_forward(int layer, Tensor& x, const Conditioning& conditioning, nn::KvCache* cache,
                     const attention::Structure& structure, int step,
                     const ForwardContext& context) const;
  const attention::Variant& attention_of(const ForwardContext& context) const;

  VarConfig config_;
  VarWeights weights_;
  std::shared_ptr<const attention::Variant> exact_;
};

}  // namespace vs::var
