#include "app/gui/session/head_grid.h"

#include <algorithm>
#include <cmath>

namespace vs::gui {

AttentionThumbnail downsample_attention(const float* probs, int64_t queries, int64_t keys, int max_side) {
  AttentionThumbnail t;
  if (queries <= 0 || keys <= 0 || max_side <= 0) return t;
  t.rows = int(std::min<int64_t>(queries, max_side));
  t.cols = int(std::min<int64_t>(keys, max_side));
  std::vector<double> sum(size_t(t.rows) * t.cols, 0.0);
  std::vector<int64_t> count(sum.size(), 0);
  std::vector<int> col_of(static_cast<size_t>(keys));
  for (int64_t k = 0; k < keys; ++k) col_of[k] = int(k * t.cols / keys);
  for (int64_t q = 0; q < queries; ++q) {
    const int row = int(q * t.rows / queries);
    const float* p = probs + q * keys;
    double* s = sum.data() + size_t(row) * t.cols;
    int64_t* c = count.data() + size_t(row) * t.cols;
    for (int64_t k = 0; k < keys; ++k) s[col_of[k]] += p[k], ++c[col_of[k]];
  }
  t.values.resize(sum.size());
  for (size_t i = 0; i < sum.size(); ++i) t.values[i] = count[i] ? float(sum[i] / double(count[i])) : 0.0f;
  return t;
}

bool HeadGrid::complete() const {
  if (layers <= 0 || heads <= 0 || thumbnails.size() != size_t(layers) * heads) return false;
  for (const AttentionThumbnail& t : thumbnails)
    if (t.rows <= 0 || t.rows != thumbnails[0].rows || t.cols != thumbnails[0].cols) return false;
  return true;
}

namespace {

// Maps `values` into [0, 1] in place, sharing one range across them.
void normalise(std::vector<float*>& cells, const std::vector<size_t>& sizes, bool log_scale, float log_floor) {
  float lo = INFINITY, hi = 0;
  for (size_t i = 0; i < cells.size(); ++i)
    for (size_t j = 0; j < sizes[i]; ++j) {
      const float v = cells[i][j];
      if (log_scale && !(v >= log_floor)) continue;
      lo = std::min(lo, v), hi = std::max(hi, v);
    }
  if (!(hi > 0)) {  // nothing positive: all zero
    for (size_t i = 0; i < cells.size(); ++i) std::fill(cells[i], cells[i] + sizes[i], 0.0f);
    return;
  }
  if (log_scale) {
    const double a = std::log10(double(lo)), b = std::log10(double(hi));
    const double span = b > a ? b - a : 1.0;
    for (size_t i = 0; i < cells.size(); ++i)
      for (size_t j = 0; j < sizes[i]; ++j) {
        const float v = cells[i][j];
        cells[i][j] = v >= log_floor ? float(std::clamp((std::log10(double(v)) - a) / span, 0.0, 1.0)) : 0.0f;
      }
  } else {
    for (size_t i = 0; i < cells.size(); ++i)
      for (size_t j = 0; j < sizes[i]; ++j) cells[i][j] = std::clamp(cells[i][j] / hi, 0.0f, 1.0f);
  }
}

}  // namespace

GridAtlas grid_atlas(const HeadGrid& grid, bool log_scale, bool per_layer, float log_floor) {
  GridAtlas atlas;
  if (!grid.complete()) return atlas;
  atlas.cell_rows = grid.thumbnails[0].rows;
  atlas.cell_cols = grid.thumbnails[0].cols;
  atlas.rows = grid.layers * atlas.cell_rows;
  atlas.cols = grid.heads * atlas.cell_cols;
  // Normalise copies of the thumbnails, then lay them out.
  std::vector<AttentionThumbnail> cells = grid.thumbnails;
  for (int layer = 0; layer < grid.layers; ++layer) {
    std::vector<float*> group;
    std::vector<size_t> sizes;
    for (int head = 0; head < grid.heads; ++head) {
      AttentionThumbnail& t = cells[size_t(layer) * grid.heads + head];
      group.push_back(t.values.data()), sizes.push_back(t.values.size());
      if (!per_layer) normalise(group, sizes, log_scale, log_floor), group.clear(), sizes.clear();
    }
    if (per_layer) normalise(group, sizes, log_scale, log_floor);
  }
  atlas.values.assign(size_t(atlas.rows) * atlas.cols, 0.0f);
  for (int layer = 0; layer < grid.layers; ++layer)
    for (int head = 0; head < grid.heads; ++head) {
      const AttentionThumbnail& t = cells[size_t(layer) * grid.heads + head];
      for (int r = 0; r < t.rows; ++r)
        std::copy(t.values.begin() + size_t(r) * t.cols, t.values.begin() + size_t(r + 1) * t.cols,
                  atlas.values.begin() + (size_t(layer) * atlas.cell_rows + r) * atlas.cols + size_t(head) * atlas.cell_cols);
    }
  return atlas;
}

}  // namespace vs::gui
