// FlowAR's flow-matching head, SimpleTransformerAdaLN (flowar.md §5): input_proj, the DiT
// time embedding of the integer time (cos first), cond_embed of the AR output z, Block_v1
// (attn-MLP, per-token AdaLN on SiLU(t + c)) or Block_v2 (self-attn with per-sample AdaLN
// on SiLU(t), ungated cross-attn to z, MLP with per-token AdaLN), and the final layer
// (shift, scale). Returns the velocity. One network for all scales; attention is within
// the scale's s² tokens, with RoPE on the s×s grid.
//
// Step-invariant work (cond_embed(z), the cross-attention keys and values) is done once
// per scale in prepare(); velocity() is the per-Euler-step part.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "core/attention/attention.h"
#include "core/flowar/flowar_config.h"
#include "core/flowar/flowar_layers.h"
#include "core/flowar/rope.h"
#include "core/io/weight_reader.h"
#include "core/observe/observer.h"
#include "core/tensor.h"

namespace vs::flowar {

// flownet.res_blocks.{i}.*
struct FlownetBlockWeights {
  nn::PackedWeight qkv_weight;          // (3D, D) attn.qkv.weight (no bias)
  nn::PackedWeight proj_weight;         // (D, D) attn.proj.weight
  Tensor proj_bias;           // (D)
  SwiGluWeights mlp;          // mlp.fc1_g / fc1_x (hidden, D), mlp.fc2 (D, hidden)
  // Block_v1
  nn::PackedWeight ada_lin_weight;      // (6D, D) ada_lin.weight (bare Linear; SiLU applied outside)
  Tensor ada_lin_bias;        // (6D)
  // Block_v2
  nn::PackedWeight ada_lin_attn_weight; // (3D, D) gamma1, scale1, shift1
  Tensor ada_lin_attn_bias;   // (3D)
  nn::PackedWeight ada_lin_mlp_weight;  // (3D, D) gamma2, scale2, shift2
  Tensor ada_lin_mlp_bias;    // (3D)
  nn::PackedWeight cross_q_weight;      // (D, D) crossattn.q.weight (no bias)
  nn::PackedWeight cross_kv_weight;     // (2D, C) crossattn.kv.weight (no bias), rows [k; v]
  nn::PackedWeight cross_proj_weight;   // (D, D) crossattn.proj.weight
  Tensor cross_proj_bias;     // (D)
  Tensor norm2_1;             // (D) norm2_1.weight
  Tensor norm2_2;             // (C) norm2_2.weight
};

struct FlownetWeights {
  Tensor time_fc1_weight;     // (D, 256) time_embed.mlp.0.weight
  Tensor time_fc1_bias;       // (D)
  Tensor time_fc2_weight;     // (D, D) time_embed.mlp.2.weight
  Tensor time_fc2_bias;       // (D)
  nn::PackedWeight cond_embed_weight;   // (D, C)
  Tensor cond_embed_bias;     // (D)
  Tensor input_proj_weight;   // (D, 16)
  Tensor input_proj_bias;     // (D)
  std::vector<FlownetBlockWeights> blocks;
  nn::PackedWeight final_ada_weight;    // (2D, D) final_layer.adaLN_modulation.1.weight, rows [shift; scale]
  Tensor final_ada_bias;      // (2D)
  Tensor final_linear_weight; // (16, D) final_layer.linear.weight
  Tensor final_linear_bias;   // (16)
  std::vector<float> rope_freqs;  // (hd/4)
};

// Every Linear weight packed in `precision` as it is taken.
FlownetWeights take_flownet_weights(const FlowArConfig& config, io::WeightReader& taker,
                                    WeightPrecision precision = WeightPrecision::kFp32);
// Bytes of the packed Linear weights (every nn::PackedWeight above).
int64_t linear_weight_bytes(const FlownetWeights& weights);

// DiT sinusoidal embedding of an integer time, float32 as the reference computes it:
// freq_j = exp(−ln(10000)·j/half), [cos(t·freq), sin(t·freq)] (cos first), size `dim`.
std::vector<float> timestep_embedding(int64_t time_integer, int dim = 256);

// Attention variant and observer. Observer sites: module flownet, kind self or cross,
// the condition's scale, `euler_step`, block i, row = row_offset + batch row. The
// observer is called at every Euler step. Timings: kEmbedding (block −1: time embedding,
// SiLU(c + t), input_proj), kAttention (AdaLN + self- and cross-attention) and kMlp per
// block, kHead (block depth: final layer).
struct FlownetContext {
  const attention::Variant* attention = nullptr;
  observe::Observer* observer = nullptr;
  int euler_step = -1;  // the sampler's 0-based step, reported in every site
};

// The step-invariant part of one scale for R rows of AR output z (R, s², C).
struct FlownetCondition {
  int scale = 0;
  int64_t row_offset = 0, rows_total = 0;  // where these rows sit in the observer's batch
  RopeTable rope;
  Tensor c;                                 // (R, N, D) cond_embed(z)
  std::vector<std::vector<Tensor>> cross_k; // Block_v2: [block][row] (H, N, hd) after RoPE
  std::vector<std::vector<Tensor>> cross_v; // Block_v2: [block][row] (H, N, hd)
  int64_t rows() const { return c.dim(0); }
};

class Flownet {
 public:
  Flownet(FlowArConfig config, FlownetWeights weights);

  const FlowArConfig& config() const { return config_; }
  const FlownetWeights& weights() const { return weights_; }

  FlownetCondition prepare(const Tensor& z, int scale, int64_t row_offset = 0,
                           int64_t rows_total = -1) const;
  // Velocity (R, N, 16) at x_t (R, N, 16) and integer time `time_integer` (time_grid.h).
  Tensor velocity(const Tensor& x, int64_t time_integer, const FlownetCondition& condition,
                  const FlownetContext& context = {}) const;

 private:
  Tensor self_attention(const FlownetBlockWeights& b, const Tensor& h, int block,
                        const FlownetCondition& cd, const attention::Variant& variant,
                        observe::Observer* observer, int euler_step) const;
  Tensor cross_attention(const FlownetBlockWeights& b, int block, const Tensor& x,
                         const FlownetCondition& cd, const attention::Variant& variant,
                         observe::Observer* observer, int euler_step) const;

  FlowArConfig config_;
  FlownetWeights weights_;
  std::shared_ptr<const attention::Variant> exact_;
};

}  // namespace vs::flowar
