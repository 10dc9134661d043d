// An acceleration spec resolved against one model: which scales run, which of them keep
// the unconditional rows, and (FlowAR) how many Euler steps each scale takes. The family
// adapters turn this into their sampler's options; the null setting of every method
// (skip after the last scale, cfg-drop from beyond it, full steps) is the exact plan.
#pragma once
#include <string>
#include <vector>

#include "core/accel/accel_spec.h"

namespace vs::accel {

// What the plan needs of a model.
struct PlanTarget {
  std::string model;      // for errors
  int num_scales = 0;
  bool flowar = false;    // Euler steps and a guidance interval exist
  int steps = 0;          // FlowAR: the request's Euler steps per scale
  double guidance = 1.0;  // FlowAR: the request's guidance interval
  std::vector<int> sides;  // token-map side of every scale (FastVAR names scales by side)
};

struct AccelPlan {
  int last_scale = 0;               // the last scale sampled (num_scales − 1: every one)
  int uncond_from = 0;              // the first scale without unconditional rows (num_scales: none)
  double guidance = 1.0;            // FlowAR: guided steps only while t ≤ this
  std::vector<int> steps_per_scale;  // FlowAR: Euler steps of each scale; empty for VAR
  // FastVAR: the cache scale and the share pruned per scale; empty when nothing is pruned
  // (a prune share of 0 everywhere is the exact run).
  int fastvar_cache_scale = -1;
  std::vector<double> prune_ratio;
  // CoDe: the drafter model and how many scales it drafts (0: none; the exact run).
  std::string code_drafter;
  int code_switch = 0;
  int share_cfg_from = 0;  // cfg-share: the first scale sharing CFG's attention (num_scales: none)
  bool skips_scales(int num_scales) const { return last_scale < num_scales - 1; }
  bool prunes() const { return !prune_ratio.empty(); }
};

// Throws one vs::Error line when the spec does not fit the model: a scale index outside
// it, a FlowAR-only method on VAR, a per-scale list of the wrong length.
AccelPlan plan_accel(const AccelSpec& spec, const PlanTarget& target);

}  // namespace vs::accel
