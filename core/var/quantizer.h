// VAR's multi-scale residual quantizer (VectorQuantizer2, var.md §2.5): codebook, the phi
// convolutions and their per-scale table, f_hat accumulation at the full latent side,
// next-scale inputs, and encoding of a feature map into the token-id pyramid.
//
// Conventions: feature maps are (B, Cvae, n, n) with n = patch_nums.back(); the ids of
// scale k are B*pn_k^2 int64 values, batch-major then row-major (index = h*pn + w).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/io/checkpoint.h"
#include "core/io/weight_reader.h"
#include "core/nn/conv2d.h"
#include "core/tensor.h"

namespace vs::var {

// The phi conv index for each of `num_scales` scales with `num_convs` convolutions, as the
// reference picks it: argmin_j |tick_j - si/(K-1)| with numpy-linspace ticks (start
// 1/(3n) when n == 4, else 1/(2n)); K = 10 with n = 4 is the hard-coded
// [0,0,1,1,1,2,2,3,3,3] (§2.5, §9). num_convs == 1 gives all zeros.
std::vector<int> phi_table(int num_scales, int num_convs);

struct Quantizer {
  int vocab = 0;                 // V
  int cvae = 0;                  // Cvae (z_channels)
  std::vector<int> patch_nums;   // pn_k, from small to large; back() = latent side
  Tensor embedding;              // (V, Cvae)  quantize.embedding.weight
  std::vector<nn::Conv2d> phi;   // each (Cvae, Cvae, 3, 3) + (Cvae), padding 1
  std::vector<int> phi_index;    // per scale: which phi conv (size K); -1 = identity phi
  float resi_ratio = 0.5f;       // |quant_resi|; not stored in checkpoints

  // Takes `quantize.embedding.weight` and the phi convs (`quantize.quant_resi.qresi_ls.{j}`,
  // `.qresi`, or `.{j}`) for the VQ-VAE's loader, which reports all problems at its finish().
  static Quantizer load(io::WeightReader& params, const std::vector<int>& patch_nums);
  // The same from a checkpoint on its own; the other keys of a VQ-VAE file are ignored.
  static Quantizer load(const io::Checkpoint& ckpt, const std::vector<int>& patch_nums);

  int num_scales() const { return static_cast<int>(patch_nums.size()); }
  int latent_side() const { return patch_nums.empty() ? 0 : patch_nums.back(); }
  int64_t tokens_in_scale(int k) const { return int64_t(patch_nums.at(k)) * patch_nums.at(k); }

  // An all-zero f_hat (B, Cvae, n, n).
  Tensor zero_fhat(int batch) const;
  // Codebook rows of `ids` (B*side*side) as (B, Cvae, side, side).
  Tensor embed(const std::vector<int64_t>& ids, int batch, int side) const;
  // Phi_{table[k]}(h) = (1 - r) h + r conv(h) on (B, Cvae, n, n).
  Tensor apply_phi(const Tensor& h, int scale_index) const;
  // get_next_autoregressive_input's f_hat update: f_hat += Phi(bicubic_up(h, n)), or
  // f_hat += Phi(h) at the last scale. h is (B, Cvae, pn_k, pn_k).
  void add_scale(Tensor& f_hat, int scale_index, const Tensor& h_BChw) const;
  // area(f_hat, pn_{next}) as (B, Cvae, pn, pn); the identity at the latent side.
  Tensor next_input(const Tensor& f_hat, int next_scale_index) const;
  // The same, flattened to word_embed's layout (B, pn^2, Cvae), row-major tokens.
  Tensor next_input_tokens(const Tensor& f_hat, int next_scale_index) const;

  // f_hat after every scale from the id pyramid (embed_to_fhat, all_to_max_scale).
  // ids[k] holds B*pn_k^2 ids. Returns K tensors (B, Cvae, n, n).
  std::vector<Tensor> ids_to_fhats(const std::vector<std::vector<int64_t>>& ids, int batch) const;
  // Teacher-forcing input (idxBl_to_var_input): (B, L - pn_0^2, Cvae).
  Tensor ids_to_var_input(const std::vector<std::vector<int64_t>>& ids, int batch) const;

  // f_to_idxBl_or_fhat: f (B, Cvae, n, n) -> ids per scale (each B*pn_k^2). When
  // `fhats` is non-null it receives f_hat after every scale.
  std::vector<std::vector<int64_t>> encode_ids(const Tensor& f, std::vector<Tensor>* fhats = nullptr) const;
  // Nearest code (squared L2 as |z|^2 + |e|^2 - 2 z.e in float32, first minimum) of each
  // row of z (N, Cvae).
  std::vector<int64_t> nearest_codes(const Tensor& z_NC) const;
};

}  // namespace vs::var
