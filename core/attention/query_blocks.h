// Groups of consecutive query rows for low-rank and gauge computations under a key-prefix
// structure (structure.h). Within a group, visible key counts grow from keys_min (seen by
// the first row) to keys_max (seen by the last); keys [keys_min, keys_max) are the only
// partly visible ones and need masking row by row. Block-causal and plain runs are cut
// into pieces of ≤ max_rows rows with keys_min == keys_max; single-row runs (causal) and
// small consecutive runs (the coarse VAR scales) are merged while the group has
// ≤ max_rows rows and keys_max − keys_min ≤ max_rows.
#pragma once
#include <cstdint>
#include <vector>

#include "core/attention/structure.h"

namespace vs::attention {

struct QueryBlock {
  int64_t row_begin, row_end;  // query rows [row_begin, row_end) among the Lq
  int64_t keys_min, keys_max;  // visible keys of the first and of the last row
};

std::vector<QueryBlock> query_blocks(const Structure& structure, int64_t num_queries,
                                     int64_t num_keys, int64_t max_rows);

}  // namespace vs::attention
