// The geometry of LiteVAR's multi-diagonal windowed attention (acceleration.md §4): the
// keys of a call split into blocks (the scales of a VAR/FlowAR pyramid, or one block), a
// query sits at raster index i of its own block, and a key block's window around it is
//   band   [C]  LiteVAR's rule on flattened raster indices: |i·n_b/n_q − j| ≤ w
//   square [D]  ours: |Δrow|, |Δcol| ≤ w after mapping the query's cell centre onto the
//               key block's grid (the "natural C++ form" the spec suggests)
// with n the token counts of the blocks. The same distance decides the windowed attention
// and the calibration (smallest w that keeps a key), so the two cannot disagree.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/attention/attention.h"
#include "core/attention/structure.h"

namespace vs::attention {

enum class WindowShape { kBand, kSquare };
const char* window_shape_name(WindowShape shape);  // "band", "square"

// A block of tokens: keys [begin, begin + count), a side² grid when side > 0.
struct TokenBlock {
  int64_t begin = 0, count = 0;
  int side = 0;  // 0: not a square grid (a one-block layout of a non-square count)
};

// Where the keys and queries of one call sit.
struct CallLayout {
  std::vector<TokenBlock> key_blocks;
  // A pyramid: the queries are keys' positions (the last Lq of them) and each belongs to a
  // block, its scale. Otherwise the keys are one block and the queries another (FlowAR's
  // flownet, plain calls): query row i is index i of a block of Lq tokens, at site.scale.
  bool pyramid = false;
  TokenBlock query_block;  // one-block layouts only
  int query_scale = -1;    // one-block layouts: the site's scale (-1 unknown)

  // Of query row `row` (0-based among num_queries): its block (as a scale index; for a
  // one-block layout, query_scale), the block itself and its index i in it.
  struct QueryPlace {
    int scale;
    TokenBlock block;
    int64_t index;
  };
  QueryPlace place(int64_t row, int64_t num_queries) const;
  // Whether key block b is the query's own block (LiteVAR's "current" block).
  bool is_current(const QueryPlace& place, int b) const { return pyramid ? b == place.scale : true; }
};

// The layout of a call from its structure and site: a block-causal structure's sides,
// else the site's key_sides (VAR's and FlowAR's KV-cache steps), else one block. Throws
// vs::Error naming `who` when the sides do not add up to Lk (keys dropped by fastvar) or
// the square shape meets a non-square token count.
CallLayout call_layout(const std::string& who, const Structure& structure, const CallSite& site,
                       int64_t num_queries, int64_t num_keys, WindowShape shape);

// The smallest w whose window around query index i of `query` keeps key index j of `key`.
int64_t window_distance(WindowShape shape, const TokenBlock& query, int64_t i, const TokenBlock& key, int64_t j);

// The keys of `key` in query i's window of width w ≥ 0, as global key ranges [begin, end),
// appended to `out` in increasing order; `limit` clips them (keys ≥ limit are invisible).
struct KeyRange {
  int64_t begin, end;
};
void window_ranges(WindowShape shape, const TokenBlock& query, int64_t i, const TokenBlock& key, int64_t w,
                   int64_t limit, std::vector<KeyRange>& out);

}  // namespace vs::attention
