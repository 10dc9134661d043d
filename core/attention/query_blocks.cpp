#include "core/attention/query_blocks.h"

#include <algorithm>

namespace vs::attention {

std::vector<QueryBlock> query_blocks(const Structure& structure, int64_t num_queries,
                                     int64_t num_keys, int64_t max_rows) {
  std::vector<QueryBlock> blocks;
  for (const Structure::QueryRun& run : structure.query_runs(num_queries, num_keys)) {
    for (int64_t row = run.row_begin; row < run.row_end; row += max_rows) {
      const int64_t end = std::min(run.row_end, row + max_rows);
      if (!blocks.empty()) {
        QueryBlock& last = blocks.back();
        if (last.row_end == row && end - last.row_begin <= max_rows &&
            run.visible_keys - last.keys_min <= max_rows) {
          last.row_end = end;
          last.keys_max = run.visible_keys;
          continue;
        }
      }
      blocks.push_back({row, end, run.visible_keys, run.visible_keys});
    }
  }
  return blocks;
}

}  // namespace vs::attention
