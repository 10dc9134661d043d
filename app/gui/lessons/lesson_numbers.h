// The numbers the lesson texts quote, computed (never typed): from a scale schedule, from
// core/theory, from a generation's per-head statistics, from a model's shape. Each returns
// placeholder values (name → text) for fill_placeholders; no ImGui, unit-tested.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/generator/generator.h"
#include "core/observe/observer.h"

namespace vs::gui::lessons {

using Values = std::map<std::string, std::string>;

// "286,434"; "12" for small numbers.
std::string format_count(double value);
// Fixed decimals; "…" for NaN or ±inf.
std::string format_fixed(double value, int decimals);
// Two significant digits in scientific notation for small errors: "3.1e-04".
std::string format_small(double value);

// One scale of a pyramid under the block-causal mask (theory §1.2).
struct ScalePairs {
  int side = 0;
  int64_t tokens = 0;      // side²
  int64_t keys = 0;        // L_k: tokens of this and every coarser scale
  int64_t cached_pairs = 0;  // side²·L_k: the KV-cache step's query–key pairs
};
std::vector<ScalePairs> scale_pairs(const std::vector<int>& sides);
// tokens_total, tokens_last, final_side, num_scales, scales, ratio_L_n2, pairs_allowed,
// pairs_kv (the same count), pairs_recompute (Σ L_k²), pairs_full (L²), allowed_percent,
// last_percent, last_scale_share.
Values pyramid_values(const std::vector<int>& sides);

// The degree/rank calculator for L tokens, head dim d, β and ε (theory §2.2–2.8): beta,
// epsilon, threshold, taylor_degree, cheb_degree, cheb_rank, speedup, speedup_verdict,
// exponent_at_L, exponent_at_million, o1_at_L.
Values polynomial_values(int64_t tokens, int head_dim, double beta, double epsilon);

// x = √β/√(ln L) and the zone for β = 0.25, 1 and 9: threshold, ratio_b025, zone_b025, …
Values zone_values(int64_t tokens);

// Per-head zones of the attention calls of one scale: heads_total, heads_zone1..3,
// beta_max, ratio_max, keys_checked, majority_zone. Empty stats give only heads_total = 0.
Values head_zone_values(const std::vector<observe::HeadStats>& stats);

// FlowAR's counts: the flow head attends within a scale's s² tokens at every Euler step
// (flownet.h). flowar_scales, flowar_num_scales, flowar_tokens, euler_steps,
// flowar_pairs_step (Σ s⁴), flowar_pairs_all (× steps), flowar_pairs_ar (Σ s²·L_k).
Values flowar_values(const std::vector<int>& sides, int euler_steps);

// A per-component depth budget in TC⁰ primitive levels (theory §4), every primitive
// (d_std, d_⊕, d_exp, d_sqrt) counted as one level: the constants are symbolic, so the
// totals show how depth composes, not a measured circuit.
struct DepthRow {
  std::string component;  // "attention scores (QK⊤, exp, row sums, divide, ·V)"
  std::string formula;    // "2(d_std+d_⊕)+d_exp+d_std"
  int levels = 0;         // per occurrence
  int per_block = 0;      // occurrences per transformer block; 0: per scale
};
struct DepthBudget {
  std::vector<DepthRow> rows;
  int per_block = 0;      // levels of one block
  int per_scale = 0;      // levels outside the blocks, once per scale (sampling, interpolation)
  int blocks = 0;         // transformer blocks run per scale (FlowAR: AR blocks + steps × flow blocks)
  int scales = 0;
  int64_t total = 0;      // scales × (blocks × per_block + per_scale)
};
// From a model's shape; euler_steps is FlowAR's steps per scale (ignored for VAR).
DepthBudget depth_budget(const gen::ModelInfo& info, int euler_steps);
// depth_per_block, blocks, depth_total, depth_double_layers, depth_double_side, steps_factor.
Values depth_values(const gen::ModelInfo& info, int euler_steps);

}  // namespace vs::gui::lessons
