// `window`: LiteVAR's multi-diagonal windowed attention (MDWA, acceleration.md §4) as a real
// sparse variant. Each query keeps, per key block (scale), only the keys in its window
// (window_geometry.h) with widths from LiteVAR's rule or a calibrated table
// (window_widths.h); the other keys are excluded (logit −∞) and never computed: a tile of
// consecutive queries of one scale gathers the union of its rows' windows, runs one logit
// GEMM and one P·V over those keys only, and masks each row to its own window. The
// published code instead multiplies the logits by the 0/1 mask, so masked keys get logit
// 0 and still weigh exp(0 − m); `logits=zero` reproduces that (all visible keys computed,
// nothing saved) only to compare with LiteVAR's numbers.
//
// A call whose windows cover every visible key runs `exact` itself, so a full window is
// the exact run bit for bit. Stats: pairs_computed (the logits evaluated), pairs_allowed
// (keys in the windows), pairs_visible (keys the mask lets a query see).
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "core/attention/attention.h"
#include "core/attention/variants.h"
#include "core/attention/window_geometry.h"
#include "core/attention/window_widths.h"
#include "core/error.h"
#include "core/memory_budget.h"
#include "core/parallel.h"

namespace vs::attention {
namespace {

// Query rows per tile: the union of 16 neighbouring rows' bands is about 2w + 16 keys of
// the current block (at LiteVAR's smallest w = 16: 48 keys computed per 33 kept, against
// 64 with 32-row tiles), and 16-row GEMMs still run at full width.
constexpr int64_t kTileRows = 16;
// Below this many multiply-adds the call stays on the calling thread (as in exact.cpp).
constexpr double kParallelWork = double(1 << 18);

struct Tile {
  int64_t head, row_begin, row_end;
};

class WindowAttention : public Variant {
 public:
  WindowAttention(WindowWidths widths, bool zero_logits, std::string spec)
      : widths_(std::move(widths)), zero_logits_(zero_logits), spec_(std::move(spec)), exact_(make_variant("exact")) {}

  std::string spec() const override { return spec_; }

  Result run(const Tensor& q, const Tensor& k, const Tensor& v, const Structure& structure,
             const Options& options) const override {
    const std::string who = "window attention";
    const Dims dims = validate_inputs(who, q, k, v, structure, options);
    const CallLayout layout =
        call_layout(who, structure, options.site, dims.num_queries, dims.num_keys, widths_.shape);
    widths_.check_call(who, layout, options.site, dims.heads);
    const Call call{*this, layout, structure, options.site, dims};

    // Pass 1: the size of every row's window, to skip the work when nothing is excluded.
    double visible = 0, allowed = 0;
    std::vector<KeyRange> ranges;
    for (int64_t h = 0; h < dims.heads; ++h)
      for (int64_t row = 0; row < dims.num_queries; ++row) {
        ranges.clear();
        const int64_t seen = call.row_windows(int(h), row, ranges);
        int64_t kept = 0;
        for (const KeyRange& r : ranges) kept += r.end - r.begin;
        if (kept == 0 && !zero_logits_ && seen > 0)
          throw Error(who + ": query " + std::to_string(row) + " of head " + std::to_string(h) +
                      " has no key in its windows (a width of 0 on a block of another size); widen the window");
        visible += double(seen);
        allowed += double(kept);
      }
    if (allowed == visible) {
      Result result = exact_->run(q, k, v, structure, options);
      add_stats(result, visible, visible, visible);
      return result;
    }

    Result result;
    result.out = Tensor({dims.heads, dims.num_queries, dims.value_dim});
    if (options.capture_probs)
      result.probs = Tensor({dims.heads, options.prob_row_end - options.prob_row_begin, dims.num_keys});
    const std::vector<Tile> tiles = cut_tiles(layout, dims);
    const double work = (zero_logits_ ? visible : 2 * allowed) * double(dims.head_dim + dims.value_dim);
    const double threads = work >= kParallelWork ? omp_get_max_threads() : 1;
    check_memory(threads * sizeof(float) *
                     (double(kTileRows) * (dims.num_keys * 2.0 + dims.head_dim) +
                      double(dims.num_keys) * (dims.head_dim + dims.value_dim)),
                 who);
    std::vector<double> computed(tiles.size(), 0.0);
    ParallelErrors errors(who);
#pragma omp parallel if (work >= kParallelWork)
    {
      omp_set_num_threads(1);  // tiles are the unit of parallelism; Eigen must not fork inside them
#pragma omp for schedule(dynamic, 1)
      for (size_t i = 0; i < tiles.size(); ++i)
        errors.run([&] { computed[i] = call.attend(tiles[i], q, k, v, options, result); });
    }
    errors.rethrow_if_failed();
    double pairs = 0;
    for (double c : computed) pairs += c;
    add_stats(result, pairs, allowed, visible);
    return result;
  }

 private:
  // One call's geometry, shared by the two passes.
  struct Call {
    const WindowAttention& self;
    const CallLayout& layout;
    const Structure& structure;
    const CallSite& site;
    Dims dims;

    // Appends the key ranges of query `row`'s windows in head `head` (each block's in key
    // order) and returns how many keys the mask lets it see.
    int64_t row_windows(int head, int64_t row, std::vector<KeyRange>& out) const {
      const CallLayout::QueryPlace place = layout.place(row, dims.num_queries);
      const int64_t seen = structure.visible_keys(row, dims.num_queries, dims.num_keys);
      for (size_t b = 0; b < layout.key_blocks.size(); ++b) {
        const TokenBlock& block = layout.key_blocks[b];
        if (block.begin >= seen) break;
        const int64_t w = self.widths_.width(layout, place, site, head, int(b));
        if (w == kDroppedWindow) continue;
        if (w == kDenseWindow) out.push_back({block.begin, std::min(block.begin + block.count, seen)});
        else window_ranges(self.widths_.shape, place.block, place.index, block, w, seen, out);
      }
      return seen;
    }

    // Attention of one tile over the union of its rows' windows (zero logits: over every
    // visible key); returns the logits it computed.
    double attend(const Tile& t, const Tensor& q, const Tensor& k, const Tensor& v, const Options& options,
                  Result& result) const {
      const int64_t rows = t.row_end - t.row_begin, d = dims.head_dim, dv = dims.value_dim;
      std::vector<KeyRange> ranges;
      std::vector<size_t> row_start(rows + 1);
      std::vector<int64_t> seen(rows);
      for (int64_t i = 0; i < rows; ++i) {
        row_start[i] = ranges.size();
        seen[i] = row_windows(int(t.head), t.row_begin + i, ranges);
      }
      row_start[rows] = ranges.size();
      // The tile's keys: merged ranges, each starting at a column of the gathered block.
      std::vector<KeyRange> keys;
      if (self.zero_logits_) {
        keys.push_back({0, *std::max_element(seen.begin(), seen.end())});
      } else {
        keys = ranges;
        std::sort(keys.begin(), keys.end(), [](const KeyRange& a, const KeyRange& b) { return a.begin < b.begin; });
        size_t merged = 0;
        for (size_t i = 1; i < keys.size(); ++i) {
          if (keys[i].begin <= keys[merged].end) keys[merged].end = std::max(keys[merged].end, keys[i].end);
          else keys[++merged] = keys[i];
        }
        keys.resize(keys.empty() ? 0 : merged + 1);
      }
      std::vector<int64_t> column(keys.size() + 1, 0);
      for (size_t u = 0; u < keys.size(); ++u) column[u + 1] = column[u] + keys[u].end - keys[u].begin;
      const int64_t m = column.back();

      RowMatrixF gathered_k(m, d), gathered_v(m, dv);
      for (size_t u = 0; u < keys.size(); ++u) {
        const int64_t n = keys[u].end - keys[u].begin;
        gathered_k.middleRows(column[u], n) = ConstMapMatrixF(k.ptr() + (t.head * dims.num_keys + keys[u].begin) * d, n, d);
        gathered_v.middleRows(column[u], n) =
            ConstMapMatrixF(v.ptr() + (t.head * dims.num_keys + keys[u].begin) * dv, n, dv);
      }
      const float scale = resolved_scale(options, d);
      RowMatrixF logits =
          (ConstMapMatrixF(q.ptr() + (t.head * dims.num_queries + t.row_begin) * d, rows, d) * scale) *
          gathered_k.transpose();

      // Outside a row's windows: excluded (−∞), or LiteVAR's logit 0 where the mask lets
      // the query see the key. Inside: the logit as computed.
      constexpr float kMinusInf = -std::numeric_limits<float>::infinity();
      std::vector<uint8_t> inside(m);
      for (int64_t i = 0; i < rows; ++i) {
        std::fill(inside.begin(), inside.end(), 0);
        for (size_t r = row_start[i]; r < row_start[i + 1]; ++r) {
          const KeyRange& range = ranges[r];
          // The merged range holding this one: the last that starts at or before it.
          const size_t u = size_t(std::upper_bound(keys.begin(), keys.end(), range.begin,
                                                   [](int64_t key, const KeyRange& x) { return key < x.begin; }) -
                                  keys.begin()) - 1;
          const int64_t first = column[u] + range.begin - keys[u].begin;
          std::fill(inside.begin() + first, inside.begin() + first + (range.end - range.begin), 1);
        }
        auto row = logits.row(i);
        float row_max = kMinusInf;
        for (int64_t c = 0; c < m; ++c) {
          if (!inside[c]) row(c) = self.zero_logits_ && c < seen[i] ? 0.0f : kMinusInf;
          row_max = std::max(row_max, row(c));
        }
        double sum = 0;
        for (int64_t c = 0; c < m; ++c) {
          const float e = row(c) == kMinusInf ? 0.0f : std::exp(row(c) - row_max);
          row(c) = e;
          sum += e;
        }
        row *= float(1.0 / sum);
      }
      MapMatrixF(result.out.ptr() + (t.head * dims.num_queries + t.row_begin) * dv, rows, dv).noalias() =
          logits * gathered_v;

      if (options.capture_probs) {
        const int64_t first = std::max(t.row_begin, options.prob_row_begin);
        const int64_t last = std::min(t.row_end, options.prob_row_end);
        const int64_t prob_rows = options.prob_row_end - options.prob_row_begin;
        for (int64_t row = first; row < last; ++row) {
          float* dst = result.probs.ptr() + (t.head * prob_rows + row - options.prob_row_begin) * dims.num_keys;
          for (size_t u = 0; u < keys.size(); ++u)
            for (int64_t key = keys[u].begin; key < keys[u].end; ++key)
              dst[key] = logits(row - t.row_begin, column[u] + key - keys[u].begin);
        }
      }
      return double(rows) * double(m);
    }
  };

  // Tiles of ≤ kTileRows consecutive queries of one scale, for every head.
  std::vector<Tile> cut_tiles(const CallLayout& layout, const Dims& dims) const {
    std::vector<Tile> tiles;
    int64_t row = 0;
    while (row < dims.num_queries) {
      const CallLayout::QueryPlace place = layout.place(row, dims.num_queries);
      const int64_t block_end = std::min(dims.num_queries, row + place.block.count - place.index);
      const int64_t parts = (block_end - row + kTileRows - 1) / kTileRows;
      for (int64_t p = 0; p < parts; ++p)
        for (int64_t h = 0; h < dims.heads; ++h)
          tiles.push_back({h, row + (block_end - row) * p / parts, row + (block_end - row) * (p + 1) / parts});
      row = block_end;
    }
    return tiles;
  }

  static void add_stats(Result& result, double computed, double allowed, double visible) {
    result.stats["pairs_computed"] = computed;
    result.stats["pairs_allowed"] = allowed;
    result.stats["pairs_visible"] = visible;
  }

  WindowWidths widths_;
  bool zero_logits_;
  std::string spec_;
  std::unique_ptr<Variant> exact_;
};

}  // namespace

std::unique_ptr<Variant> make_window(SpecParams& params) {
  constexpr int kMaxWidth = 1 << 20;
  const bool zero_logits = params.get_choice("logits", "exclude", {"exclude", "zero"}) == "zero";
  WindowWidths widths;
  std::string spec = "window:";
  if (params.has("widths")) {
    for (const char* key : {"w", "w_prev", "exact", "prev", "shape"})
      if (params.has(key))
        params.fail(std::string(key) + "= cannot join widths=FILE: the calibrated file fixes the widths and shape");
    const std::string path = params.get_text("widths");
    widths = read_window_widths(path);
    spec += "widths=" + path;
  } else {
    if (!params.has("w")) params.fail("give the window width w=W or a calibrated table widths=FILE");
    widths.current = params.get_int("w", 0, 0, kMaxWidth);
    widths.previous = params.get_int("w_prev", int(widths.current), 0, kMaxWidth);
    widths.exact_scales = params.get_int("exact", 3, 0, 1 << 16);
    widths.previous_blocks = params.get_int("prev", 6, 0, 1 << 16);
    widths.shape = params.get_choice("shape", "band", {"band", "square"}) == "band" ? WindowShape::kBand
                                                                                     : WindowShape::kSquare;
    spec += "w=" + std::to_string(widths.current);
    if (widths.previous != widths.current) spec += ":w_prev=" + std::to_string(widths.previous);
    if (widths.exact_scales != 3) spec += ":exact=" + std::to_string(widths.exact_scales);
    if (widths.previous_blocks != 6) spec += ":prev=" + std::to_string(widths.previous_blocks);
    if (widths.shape == WindowShape::kSquare) spec += ":shape=square";
  }
  if (zero_logits) spec += ":logits=zero";
  params.expect_all_used();
  return std::make_unique<WindowAttention>(std::move(widths), zero_logits, spec);
}

}  // namespace vs::attention
