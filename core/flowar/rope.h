// FlowAR's rotary position embedding (VisionRotaryEmbeddingFast, flowar.md §4): every
// head dimension rotates; the first hd/2 dims with the row coordinate, the last hd/2 with
// the column coordinate, on a grid normalised per scale to [0, grid) (p = i·grid/s), with
// interleaved pairs (2m, 2m+1). Used by the AR attention and the flownet alike.
#pragma once
#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace vs::flowar {

// f_j = 10000^(−2j/D), D = hd/2, j = 0 … D/2−1 (the `rope.freqs` buffer, length hd/4).
std::vector<float> rope_frequencies(int head_dim);

// cos/sin of every (token, dim) of one s×s scale, row-major tokens: (s², hd) each.
struct RopeTable {
  int side = 0, head_dim = 0;
  std::vector<float> cos, sin;
};

// `freqs` (hd/4); `grid` is the side every scale is normalised to (16 for 256 px).
RopeTable rope_table(const std::vector<float>& freqs, int side, int grid);

// Rotates x (H, s², hd) in place.
void apply_rope(Tensor& x, const RopeTable& table);

// floor(sqrt(n)), the side the reference infers from a chunk of n tokens.
int side_of_tokens(int64_t n);

}  // namespace vs::flowar
