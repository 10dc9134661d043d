// The VAR transformer's parameters, one field per checkpoint key (var.md §5.1), and the
// strict loader that moves them out of a checkpoint: every expected key present with its
// shape, no unexpected key, buffers (lvl_1L, attn_bias_for_masking, zero_k_bias)
// optional but verified when present.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "core/io/checkpoint.h"
#include "core/nn/gemm.h"
#include "core/tensor.h"
#include "core/var/var_config.h"

namespace vs::var {

// blocks.{i}.*
struct VarBlockWeights {
  nn::PackedWeight ada_lin_weight;  // (6C, D) ada_lin.1.weight; empty with shared_aln
  Tensor ada_lin_bias;    // (6C)    ada_lin.1.bias
  Tensor ada_gss;         // (1, 1, 6, C) ada_gss; shared_aln only
  nn::PackedWeight qkv_weight;      // (3C, C) attn.mat_qkv.weight, rows [q; k; v], head-major
  Tensor qkv_bias;        // (3C) [attn.q_bias; attn.zero_k_bias; attn.v_bias], built at load
  nn::PackedWeight proj_weight;     // (C, C)  attn.proj.weight
  Tensor proj_bias;       // (C)     attn.proj.bias
  nn::PackedWeight fc1_weight;      // (hidden, C) ffn.fc1.weight
  Tensor fc1_bias;        // (hidden)
  nn::PackedWeight fc2_weight;      // (C, hidden) ffn.fc2.weight
  Tensor fc2_bias;        // (C)
  std::vector<float> q_multiplier;  // (H) exp(min(attn.scale_mul_1H11[h], ln 100)); l2 only
};

struct VarWeights {
  Tensor pos_start;          // (1, 1, C)
  Tensor lvl_pos;            // (L, C) lvl_embed.weight[lvl(t)] + pos_1LC[t], built at load
  Tensor word_embed_weight;  // (C, Cvae)
  Tensor word_embed_bias;    // (C)
  Tensor class_emb;          // (num_classes + 1, C); the last row is the null class
  nn::PackedWeight shared_ada_weight;  // (6C, D) shared_ada_lin.1.weight; shared_aln only
  Tensor shared_ada_bias;    // (6C)
  std::vector<VarBlockWeights> blocks;
  nn::PackedWeight head_nm_weight;     // (2C, D) head_nm.ada_lin.1.weight, rows [scale; shift]
  Tensor head_nm_bias;       // (2C)
  nn::PackedWeight head_weight;        // (V, C)
  Tensor head_bias;          // (V)
};

// The parameters (not buffers) a config expects, with their shapes, in module order.
std::vector<std::pair<std::string, Shape>> var_parameter_shapes(const VarConfig& config);

// Moves the weights out of `checkpoint` (its tensors are consumed), every Linear weight
// packed in `precision` as it is taken. Throws one vs::Error naming the file and listing
// up to a few missing, mis-shaped and unexpected keys.
VarWeights take_var_weights(const VarConfig& config, io::Checkpoint& checkpoint,
                            WeightPrecision precision = WeightPrecision::kFp32);

// Bytes of the packed Linear weights (every nn::PackedWeight above): the part of the
// transformer that --precision bf16 halves.
int64_t linear_weight_bytes(const VarWeights& weights);

}  // namespace vs::var
