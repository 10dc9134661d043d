#include "core/attention/structure.h"

#include "core/attention/pyramid.h"
#include "core/error.h"

namespace vs::attention {

void Structure::validate(int64_t num_queries, int64_t num_keys) const {
  if (num_queries < 0 || num_keys < 0) throw Error("attention: negative token count");
  if (kind == MaskKind::kPlain) return;
  if (num_queries > num_keys)
    throw Error(describe() + " attention: " + std::to_string(num_queries) +
                " queries exceed " + std::to_string(num_keys) + " keys");
  if (kind == MaskKind::kBlockCausal) {
    const int64_t tokens = pyramid_tokens(scale_sides);
    if (tokens != num_keys)
      throw Error("block-causal attention: pyramid " + pyramid_to_string(scale_sides) + " has " +
                  std::to_string(tokens) + " tokens but there are " + std::to_string(num_keys) +
                  " keys");
  }
}

int64_t Structure::visible_keys(int64_t query_row, int64_t num_queries, int64_t num_keys) const {
  const int64_t position = num_keys - num_queries + query_row;
  switch (kind) {
    case MaskKind::kPlain:
      return num_keys;
    case MaskKind::kCausal:
      return position + 1;
    case MaskKind::kBlockCausal: {
      int64_t end = 0;
      for (int side : scale_sides) {
        end += static_cast<int64_t>(side) * side;
        if (position < end) return end;
      }
      return num_keys;
    }
  }
  return num_keys;
}

std::vector<Structure::QueryRun> Structure::query_runs(int64_t num_queries,
                                                       int64_t num_keys) const {
  std::vector<QueryRun> runs;
  int64_t row = 0;
  while (row < num_queries) {
    const int64_t keys = visible_keys(row, num_queries, num_keys);
    int64_t end = row + 1;
    if (kind == MaskKind::kPlain) {
      end = num_queries;
    } else if (kind == MaskKind::kBlockCausal) {
      // Rows whose global position is below `keys` share this scale's prefix.
      end = std::min<int64_t>(num_queries, keys - (num_keys - num_queries));
    }
    runs.push_back({row, end, keys});
    row = end;
  }
  return runs;
}

std::string Structure::describe() const {
  switch (kind) {
    case MaskKind::kPlain:
      return "plain";
    case MaskKind::kCausal:
      return "causal";
    case MaskKind::kBlockCausal:
      return "block-causal " + pyramid_to_string(scale_sides);
  }
  return "?";
}

}  // namespace vs::attention
