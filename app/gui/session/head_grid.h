// The attention inspector's grid of every layer × head of one step: each head's attention
// matrix (queries × keys) shrunk to a small thumbnail while it is captured, so looking at
// all heads of a step costs kilobytes instead of the full matrices (a d30 model's last
// step holds 30·30 maps of 256 × 680 probabilities: 627 MB in float32). No GL here: the
// thumbnails are plain floats, drawn by HeadGridView.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace vs::gui {

// Thumbnails are at most this many cells per side.
constexpr int kThumbnailSide = 24;

struct AttentionThumbnail {
  int rows = 0, cols = 0;
  std::vector<float> values;  // (rows, cols), row-major
};

// Mean-pools one (queries, keys) probability matrix into at most max_side × max_side cells:
// query q falls in row q·rows/queries, key k in column k·cols/keys. The mean keeps a cell
// proportional to the attention mass its block receives (a max would make every block
// that holds one strong key look alike). A side no longer than max_side is kept as is.
AttentionThumbnail downsample_attention(const float* probs, int64_t queries, int64_t keys,
                                        int max_side = kThumbnailSide);

// Every layer × head of one step of one generation. Memory bound: layers · heads ·
// kThumbnailSide² floats, i.e. at most 2.25 KiB per head (d30: 900 heads, 2 MiB).
struct HeadGrid {
  int step = -1, layers = 0, heads = 0;
  int64_t queries = 0, keys = 0;              // the full matrices' shape
  std::vector<AttentionThumbnail> thumbnails;  // layer-major: [layer · heads + head]

  const AttentionThumbnail& at(int layer, int head) const { return thumbnails[size_t(layer) * heads + head]; }
  // Every thumbnail captured, all of one shape.
  bool complete() const;
};

// The whole grid as one (layers·rows, heads·cols) matrix in [0, 1] for a single colormap
// texture: each thumbnail (per_layer: each layer's row of thumbnails) normalised on its
// own — linearly from 0 to its maximum, or log10 between its smallest positive value
// (at least log_floor) and its maximum — so weak heads stay readable beside strong ones.
struct GridAtlas {
  int rows = 0, cols = 0;       // whole atlas
  int cell_rows = 0, cell_cols = 0;  // one thumbnail
  std::vector<float> values;
};
GridAtlas grid_atlas(const HeadGrid& grid, bool log_scale, bool per_layer, float log_floor = 1e-6f);

}  // namespace vs::gui
