// The per-head numbers of the norm gauges (theory §1.5, §3, §7.1): entry bounds of Q and K,
// the largest absolute logit over the pairs the structure lets a query see, and where
// B_eff = √β sits against the threshold √(ln L_k).
#pragma once
#include <vector>

#include "core/attention/structure.h"
#include "core/tensor.h"
#include "core/theory/threshold.h"

namespace vs::attention {

struct HeadNorms {
  double max_abs_q = 0;  // ‖Q‖_∞, the largest |entry| of this head's queries (unscaled)
  double max_abs_k = 0;  // ‖K‖_∞
  double r_qk = 0;       // max(‖Q‖_∞, ‖K‖_∞): the entry bound R of (a)'s abstract (§1.5)
  double beta = 0;       // max |scale·q_i·k_j| over visible pairs (exact, not a bound)
  double b_eff = 0;      // √β: plays the role of AS23's entry bound B (§1.5)
  double threshold = 0;  // √(ln L_k), 0 when L_k < 2
  double ratio = 0;      // b_eff / threshold (NaN when L_k < 2)
  theory::Zone zone = theory::Zone::kUndefined;
};

// q: (H, Lq, d), k: (H, Lk, d); the queries are the last Lq of Lk positions as in
// Structure. `scale` is the softmax scale (negative: 1/√d). β costs a QKᵀ per head
// (blocked float GEMMs over the visible key prefix of each group of query rows, so masked
// blocks are skipped); L_k is the key count. Throws vs::Error on bad shapes/structure.
std::vector<HeadNorms> head_norms(const Tensor& q, const Tensor& k, const Structure& structure,
                                  double scale);

}  // namespace vs::attention
