// FastVAR's cached token pruning (acceleration.md §1) for VAR's KV-cache steps. At the
// cache scale every sub-layer's branch output (gamma applied) is kept; at a pruned scale,
// before each sub-layer (attention, FFN) of every block and per batch row, the tokens
// with the largest ‖x_i − mean(x)‖² run the sub-layer (only their K/V join the cache),
// and the other positions take the cached branch output, area-resampled to the grid.
// Applying it to class-conditional VAR is [D] in the spec: nobody has reported it.
#pragma once
#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace vs::var {

// The K = n − ⌊n·ratio⌋ tokens of x (n, C) with the largest squared distance to the
// tokens' mean, in ascending position (ties keep the earlier token).
std::vector<int64_t> pivotal_tokens(const float* x, int64_t n, int64_t C, double ratio);

// Rows of x (R, n, C) picked per batch row: kept[r] (each of the same length K) -> (R, K, C).
Tensor gather_tokens(const Tensor& x, const std::vector<std::vector<int64_t>>& kept);

// Tokens (R, s_in², C) on a square grid -> (R, s_out², C), PyTorch's "area" mode.
Tensor area_tokens(const Tensor& tokens, int side_out);

// One generation's pruning state: the plan, the cached branch outputs and what was kept.
class FastVarState {
 public:
  // ratio: per scale, the share pruned (0: none); cache_scale < every pruned scale.
  FastVarState(int depth, std::vector<int> sides, int cache_scale, std::vector<double> ratio);

  bool is_cache_scale(int scale) const { return scale == cache_scale_; }
  double ratio(int scale) const;  // 0 outside the plan (teacher-forced passes: scale −1)
  // Sub-layer 0 attention, 1 FFN; branch (R, n_cache, C) with gamma applied.
  void store(int layer, int sublayer, const Tensor& branch);
  // The cached branch of the first `rows` rows resampled to `side`: (rows, side², C).
  Tensor restored(int layer, int sublayer, int64_t rows, int side) const;
  // Records one sub-layer's choice for batch row 0 at `scale`.
  void record(int scale, int64_t n, const std::vector<int64_t>& kept_row0);
  // For every token of image 0's conditional row at `scale`, the share of pruned
  // sub-layers that ran it (empty for a scale that was not pruned).
  std::vector<float> kept_share(int scale) const;

 private:
  int cache_scale_;
  std::vector<int> sides_;
  std::vector<double> ratio_;
  std::vector<Tensor> cached_;  // [layer * 2 + sublayer]
  std::vector<std::vector<int>> kept_counts_;  // per scale and token
  std::vector<int> selections_;               // per scale
};

}  // namespace vs::var
