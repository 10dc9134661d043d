// LiteVAR's window calibration (acceleration.md §4, MDWA rule 2) as an observer: over a few
// generations with exact attention, the softmax mass every (layer, head, query scale, key
// block) puts at each window distance (window_geometry.h: the smallest width that keeps a
// key). From it, per block, the smallest width keeping a target share of the block's mass
// (LiteVAR: 0.95, averaged over the calibration images), and the share a given table
// keeps, to check widths on a fresh generation.
//
// Differences from LiteVAR's search, on purpose: every integer width is a candidate (its
// grid 16…256 / 5…169 was sized for d30's 16×16 map), a block whose best width covers it
// whole is written "dense", and dropping blocks of small mass is off unless asked.
#pragma once
#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

#include "core/attention/window_widths.h"
#include "core/observe/observer.h"

namespace vs::observe {

class WindowMassObserver : public Observer {
 public:
  // The module's self-attention over a pyramid of `scales` with `layers` blocks of `heads`
  // heads; query scales from `exact_scales` on, key blocks at most `previous_blocks` back.
  WindowMassObserver(Module module, std::vector<int> scales, int layers, int heads, attention::WindowShape shape,
                     int exact_scales = 3, int previous_blocks = 6);

  ProbabilityRequest wants_probabilities(const Site& site) override;
  void on_attention(const AttentionCall& call, const attention::Result& result) override;

  // Calls measured so far.
  int64_t calls() const { return calls_; }
  // Per windowed block the smallest width keeping ≥ target_mass of its mass; blocks other
  // than the query's own whose share of the row mass is below drop_below are dropped.
  attention::WindowWidths choose_widths(double target_mass, double drop_below = 0) const;
  // The share of the windowed blocks' mass that `widths` keep (1 when nothing was seen).
  double kept_share(const attention::WindowWidths& widths) const;

 private:
  bool measured(const Site& site) const;
  // Distances of every (query index, key index) of query scale s and key block b, cached.
  const std::vector<int32_t>& distances(int s, int b);

  struct Histogram {
    std::vector<double> mass;  // mass at each distance
    double total = 0;
  };
  Module module_;
  std::vector<int> scales_;
  int layers_, heads_;
  attention::WindowShape shape_;
  int exact_scales_, previous_blocks_;
  std::map<std::tuple<int, int, int, int>, Histogram> histograms_;  // (layer, head, scale, block)
  std::map<std::tuple<int, int, int>, double> row_mass_;             // (layer, head, scale): all blocks
  std::map<std::pair<int, int>, std::vector<int32_t>> distances_;
  int64_t calls_ = 0;
};

}  // namespace vs::observe
