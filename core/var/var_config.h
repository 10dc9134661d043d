// The VAR transformer's hyper-parameters, inferred from a checkpoint's tensor shapes
// (var.md §1, §5.1, §10.1) so that a user opens an official file without a config.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/io/checkpoint.h"

namespace vs::var {

struct VarConfig {
  int depth = 0;          // number of blocks
  int width = 0;          // C (= D, the conditioning width)
  int heads = 0;          // H; head_dim = C / H
  int vocab = 0;          // V, codebook size
  int cvae = 0;           // latent channels of the VAE
  int num_classes = 0;    // class_emb has num_classes + 1 rows; the last is the null class
  int mlp_hidden = 0;     // fc1 output width (round(4C) for the official models)
  bool shared_aln = false;    // shared_ada_lin + per-block ada_gss (d36-s)
  bool attn_l2_norm = false;  // scale_mul_1H11 present (every official model)
  std::vector<int> patch_nums;  // token-map sides, coarse to fine

  int head_dim() const { return heads ? width / heads : 0; }
  int num_scales() const { return static_cast<int>(patch_nums.size()); }
  int null_class() const { return num_classes; }
  int64_t tokens() const;                   // L = Σ pn²
  int64_t scale_begin(int scale) const;     // first token of a scale
  int64_t scale_tokens(int scale) const;    // pn²
  int latent_side() const { return patch_nums.empty() ? 0 : patch_nums.back(); }
  std::string describe() const;             // one line for logs
};

// Infers the config from the checkpoint's shapes. patch_nums come from, in order:
// `patch_nums_override` (a --patch-nums flag), the safetensors __metadata__ ("patch_nums"
// as "1,2,3" or a "config" JSON object with "patch_nums": [...]), or the official
// schedule for L = 680 / 2240; otherwise a vs::Error asks for --patch-nums. Heads come
// from scale_mul_1H11 when attention is l2-normalised, else from the metadata "heads",
// else the depth rule hd = 64 (var.md §1).
VarConfig infer_var_config(const io::Checkpoint& checkpoint,
                           const std::vector<int>& patch_nums_override = {});

}  // namespace vs::var
