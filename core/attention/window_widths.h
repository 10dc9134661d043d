// The widths of windowed attention (acceleration.md §4, MDWA): per layer, head, query
// scale and key block, either LiteVAR's rule with one width for the query's own block and
// one for earlier blocks (query scales below `exact_scales` stay exact; blocks more than
// `previous_blocks` scales back stay dense), or a table that `varscope-cli calibrate`
// wrote, as JSON:
//   {"format": "varscope-window-widths", "version": 1, "model": …, "shape": "band",
//    "target_mass": 0.95, "generations": 4, "scales": [1,2,3,…], "layers": L, "heads": H,
//    "widths": [[[[w, …] per key block 0..s] per query scale s] per head] per layer}
// where w is an integer ≥ 0, "dense" (the whole block) or "drop" (no key of it).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/attention/window_geometry.h"

namespace vs::attention {

constexpr int64_t kDenseWindow = -1;    // every key of the block
constexpr int64_t kDroppedWindow = -2;  // no key of the block

struct WindowWidths {
  WindowShape shape = WindowShape::kBand;
  // LiteVAR's rule (when `table` is empty).
  int64_t current = 0, previous = 0;  // widths of the query's own block and of earlier ones
  int exact_scales = 3;               // query scales 0..exact_scales−1 attend densely
  int previous_blocks = 6;            // earlier blocks windowed; older ones dense
  // A calibrated table: widths of [layer][head][scale][block ≤ scale], flattened.
  std::vector<int> scales;  // the sides it was calibrated on
  int layers = 0, heads = 0;
  std::vector<int64_t> table;
  std::string model;         // what it was calibrated on (informative)
  double target_mass = 0;    // the share of softmax mass each window keeps (informative)
  int generations = 0;       // calibration generations (informative)
  std::string source;        // the file, for errors

  bool calibrated() const { return !table.empty(); }
  // A table of `layers` x `heads` over `scales`, every entry dense.
  static WindowWidths dense_table(WindowShape shape, const std::vector<int>& scales, int layers, int heads);
  int64_t& at(int layer, int head, int scale, int block);
  int64_t at(int layer, int head, int scale, int block) const;

  // Throws vs::Error naming `who` when a calibrated table cannot serve this call: no
  // layer (not a model run), another pyramid, or another head count.
  void check_call(const std::string& who, const CallLayout& layout, const CallSite& site, int64_t heads) const;
  // The width of key block `block` for a query of `place` in head `head`.
  int64_t width(const CallLayout& layout, const CallLayout::QueryPlace& place, const CallSite& site, int head,
                int block) const;
};

// Reads a table written by window_widths_json; throws one vs::Error line naming the file
// and what is wrong with it.
WindowWidths read_window_widths(const std::string& path);
std::string window_widths_json(const WindowWidths& widths);

}  // namespace vs::attention
