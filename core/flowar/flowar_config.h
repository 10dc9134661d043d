// FlowAR's hyper-parameters, inferred from a checkpoint's tensor shapes (flowar.md §8.3)
// so that an official .pth opens without a config file.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/io/checkpoint.h"

namespace vs::flowar {

// Block_v1 = attn-MLP with per-token AdaLN (FlowAR-S); Block_v2 = self-attn, ungated
// cross-attn to the AR output, MLP (FlowAR-L/H) (flowar.md §5).
enum class FlownetBlock { kV1, kV2 };

struct FlowArConfig {
  // AR transformer (flowar.md §4)
  int ar_width = 0;        // C
  int ar_heads = 0;        // H; head_dim = C / H
  int encoder_depth = 0;
  int decoder_depth = 0;
  int ar_mlp_hidden = 0;   // SwiGLU hidden (fc1_g rows)
  int num_classes = 0;     // class_emb has num_classes + 1 rows; the last is the null class
  int latent_channels = 0; // token width (16)
  // Flownet (flowar.md §5)
  int flow_width = 0;      // D
  int flow_heads = 0;
  int flow_depth = 0;
  int flow_mlp_hidden = 0;
  FlownetBlock flow_block = FlownetBlock::kV1;
  std::vector<int> scales;  // token-map sides, coarse to fine (1,2,4,8,16)

  int ar_head_dim() const { return ar_heads ? ar_width / ar_heads : 0; }
  int flow_head_dim() const { return flow_heads ? flow_width / flow_heads : 0; }
  int null_class() const { return num_classes; }
  int num_scales() const { return static_cast<int>(scales.size()); }
  int full_side() const { return scales.empty() ? 0 : scales.back(); }
  int64_t tokens() const;                // L = Σ s²
  int64_t scale_begin(int scale) const;  // first token of a scale
  int64_t scale_tokens(int scale) const; // s²
  std::string describe() const;          // one line for logs
};

// Infers the config from shapes. Head dims come from the `rope.freqs` buffers (hd = 4 ·
// length) when present, else hd = 64 for the flownet and the official rule for the AR
// (hd 96 for C = 1536, else 64). Scales come from, in order: `scales_override`, the
// safetensors __metadata__ "scales" ("1,2,4,8,16"), or doubling from 1 until Σ s² equals
// the position tables' length. Throws vs::Error naming the file and the missing key.
FlowArConfig infer_flowar_config(const io::Checkpoint& checkpoint,
                                 const std::vector<int>& scales_override = {});

}  // namespace vs::flowar
