// Building blocks the FlowAR AR transformer and flownet share (flowar.md §4, §5):
// RMSNorm (weightless or weighted, eps 1e-6), AdaLN modulation, gated residuals, the
// SwiGLU-with-GELU MLP and multi-head attention through an attention::Variant with RoPE
// and an optional observer.
#pragma once
#include <vector>
#include <cstdint>

#include "core/attention/attention.h"
#include "core/flowar/rope.h"
#include "core/nn/gemm.h"
#include "core/observe/observer.h"
#include "core/tensor.h"

namespace vs::flowar {

// x / sqrt(mean(x²) + 1e-6) over the last dim, times `weight` (C) when non-null.
Tensor rms_norm(const Tensor& x, const Tensor* weight);

// RMSNorm(x)·(1 + scale) + shift for x (R, n, C). `ada` is (R, A·C) (one vector per
// batch row) or (R, n, A·C) (one per token); scale and shift are its column blocks
// `scale_chunk` and `shift_chunk`.
Tensor modulated_rms_norm(const Tensor& x, const Tensor& ada, int scale_chunk, int shift_chunk);

// x += y ⊙ gamma, gamma = column block `chunk` of ada (per row or per token, as above).
void add_gated(Tensor& x, const Tensor& y, const Tensor& ada, int chunk);

// x += y.
void add_inplace(Tensor& x, const Tensor& y);

// Adds table rows [row_begin, row_begin + n) of a (1, L, C) position table to every
// batch row of x (R, n, C).
void add_position_rows(Tensor& x, const Tensor& table, int64_t row_begin);

// timm SwiGLU with GELU gate: fc2(GELU(fc1_g(x)) ⊙ fc1_x(x)) (flowar.md §4).
struct SwiGluWeights {
  nn::PackedWeight fc1_g_weight;  // (hidden, C)
  Tensor fc1_g_bias;               // (hidden)
  nn::PackedWeight fc1_x_weight;  // (hidden, C)
  Tensor fc1_x_bias;               // (hidden)
  nn::PackedWeight fc2_weight;    // (C, hidden)
  Tensor fc2_bias;                 // (C)
};
Tensor swiglu_mlp(const Tensor& x, const SwiGluWeights& w);

// Head-major (H, n, hd) copy of columns [column, column + H·hd) of rows (R, n, W), row r.
Tensor split_heads(const Tensor& x, int64_t r, int64_t column, int64_t heads, int64_t head_dim);
// Writes (H, n, hd) into row r of out (R, n, H·hd), heads concatenated.
void merge_heads(const Tensor& heads_out, Tensor& out, int64_t r);

// One attention call (q after RoPE) for batch row `site.row`: asks the observer which
// probabilities to capture, runs the variant with scale hd^-1/2 and no mask (plain:
// FlowAR's cache makes block-causal attention plain, flowar.md §4), reports to the
// observer, and returns the output (H, Lq, hd). `key_sides`: the AR transformer's cached
// keys are the tokens of scales with these sides (attention::CallSite).
Tensor run_attention(const attention::Variant& variant, observe::Observer* observer,
                     const observe::Site& site, const Tensor& q, const Tensor& k, const Tensor& v,
                     const std::vector<int>& key_sides = {});

}  // namespace vs::flowar
