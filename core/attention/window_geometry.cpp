#include "core/attention/window_geometry.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/attention/pyramid.h"
#include "core/error.h"

namespace vs::attention {

namespace {

// Floor and ceiling of a / b for b > 0 (C++ division truncates toward zero).
int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }

// The side of a square token count, or 0.
int square_side(int64_t count) {
  const int64_t side = static_cast<int64_t>(std::llround(std::sqrt(double(count))));
  return side > 0 && side * side == count ? static_cast<int>(side) : 0;
}

// Key rows (or columns) of a side-`key_side` grid within w of query row `q` of a
// side-`query_side` grid, cell centres mapped: |(2k+1)·S_q − (2q+1)·S_b| ≤ 2w·S_q.
KeyRange grid_span(int64_t q, int64_t query_side, int64_t key_side, int64_t w) {
  const int64_t centre = (2 * q + 1) * key_side;
  const int64_t lo = ceil_div(centre - 2 * w * query_side - query_side, 2 * query_side);
  const int64_t hi = floor_div(centre + 2 * w * query_side - query_side, 2 * query_side);
  return {std::max<int64_t>(lo, 0), std::min<int64_t>(hi, key_side - 1) + 1};
}

}  // namespace

const char* window_shape_name(WindowShape shape) { return shape == WindowShape::kBand ? "band" : "square"; }

CallLayout::QueryPlace CallLayout::place(int64_t row, int64_t num_queries) const {
  if (!pyramid) return {query_scale, query_block, row};
  const int64_t position = key_blocks.back().begin + key_blocks.back().count - num_queries + row;
  for (size_t b = 0; b < key_blocks.size(); ++b)
    if (position < key_blocks[b].begin + key_blocks[b].count)
      return {static_cast<int>(b), key_blocks[b], position - key_blocks[b].begin};
  throw Error("window attention: query row " + std::to_string(row) + " lies past the keys");
}

CallLayout call_layout(const std::string& who, const Structure& structure, const CallSite& site,
                       int64_t num_queries, int64_t num_keys, WindowShape shape) {
  CallLayout layout;
  std::vector<int> sides;
  if (structure.kind == MaskKind::kBlockCausal) {
    sides = structure.scale_sides;
  } else if (!site.key_sides.empty()) {
    sides = site.key_sides;
    const int64_t tokens = pyramid_tokens(sides);
    if (tokens != num_keys)
      throw Error(who + ": the " + std::to_string(num_keys) + " cached keys are not the " + std::to_string(tokens) +
                  " tokens of scales " + pyramid_to_string(sides) +
                  " (a method that drops keys, such as fastvar, cannot run with windowed attention)");
    if (num_queries > num_keys || num_queries > int64_t(sides.back()) * sides.back())
      throw Error(who + ": " + std::to_string(num_queries) + " queries are more than the last scale's tokens");
  }
  if (!sides.empty()) {
    layout.pyramid = true;
    int64_t begin = 0;
    for (int side : sides) {
      layout.key_blocks.push_back({begin, int64_t(side) * side, side});
      begin += int64_t(side) * side;
    }
    return layout;
  }
  layout.key_blocks.push_back({0, num_keys, square_side(num_keys)});
  layout.query_block = {0, num_queries, square_side(num_queries)};
  layout.query_scale = site.scale;
  if (shape == WindowShape::kSquare && num_queries > 0 && (layout.key_blocks[0].side == 0 || layout.query_block.side == 0))
    throw Error(who + ": shape=square needs square token maps, but the call has " + std::to_string(num_queries) +
                " queries and " + std::to_string(num_keys) + " keys (use shape=band)");
  return layout;
}

int64_t window_distance(WindowShape shape, const TokenBlock& query, int64_t i, const TokenBlock& key, int64_t j) {
  if (shape == WindowShape::kBand) {
    const int64_t offset = std::llabs(i * key.count - j * query.count);
    return ceil_div(offset, query.count);
  }
  const int64_t qs = query.side, ks = key.side;
  auto axis = [&](int64_t q, int64_t k) { return ceil_div(std::llabs((2 * k + 1) * qs - (2 * q + 1) * ks), 2 * qs); };
  return std::max(axis(i / qs, j / ks), axis(i % qs, j % ks));
}

void window_ranges(WindowShape shape, const TokenBlock& query, int64_t i, const TokenBlock& key, int64_t w,
                   int64_t limit, std::vector<KeyRange>& out) {
  auto push = [&](int64_t begin, int64_t end) {  // local indices of the key block
    begin += key.begin;
    end = std::min(end + key.begin, limit);
    if (begin < end) out.push_back({begin, end});
  };
  if (shape == WindowShape::kBand) {
    const int64_t lo = ceil_div(i * key.count - w * query.count, query.count);
    const int64_t hi = floor_div(i * key.count + w * query.count, query.count);
    push(std::max<int64_t>(lo, 0), std::min(hi + 1, key.count));
    return;
  }
  const KeyRange rows = grid_span(i / query.side, query.side, key.side, w);
  const KeyRange cols = grid_span(i % query.side, query.side, key.side, w);
  if (cols.begin >= cols.end) return;
  for (int64_t r = rows.begin; r < rows.end; ++r) push(r * key.side + cols.begin, r * key.side + cols.end);
}

}  // namespace vs::attention
