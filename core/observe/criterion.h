// The bounded-entry criterion for a whole model (theory §1.5, §3): for every attention
// site (module, self/cross, scale, block) and head, the largest entries of Q and K and the
// largest absolute logit β seen over all calls of N generations (every batch row, every
// Euler step), B_eff = √β against √(ln L_k), the zone, and the least polynomial degree the
// method needs for a target error ε. Per-scale counts of heads per zone and one verdict.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/observe/observer.h"
#include "core/theory/threshold.h"

namespace vs::observe {

struct HeadCriterion {
  Module module = Module::kVar;
  AttentionKind kind = AttentionKind::kSelf;
  int scale = 0, block = 0, head = 0;
  int64_t keys = 0;  // L_k: the keys a query of this scale sees
  int64_t head_dim = 0;
  int64_t calls = 0;  // attention calls aggregated (rows × Euler steps × generations)
  double max_abs_q = 0, max_abs_k = 0, beta = 0;  // maxima over the calls
  double b_eff = 0, threshold = 0, ratio = 0;     // √β, √(ln L_k), their ratio
  theory::Zone zone = theory::Zone::kUndefined;
  int taylor_degree = -1, chebyshev_degree = -1;  // least degree reaching ε; −1: none ≤ 1000
};

// Aggregates the heads of every attention call it sees (a QKᵀ per head and call).
class CriterionObserver : public Observer {
 public:
  void on_attention(const AttentionCall& call, const attention::Result&) override;
  // One row per (module, kind, scale, block, head), in that order, with the zone and the
  // degrees for `target_error` ε. Throws vs::Error for ε outside (0, 1).
  std::vector<HeadCriterion> rows(double target_error) const;

 private:
  using Key = std::tuple<Module, AttentionKind, int, int, int>;
  struct Maxima {
    int64_t keys = 0, head_dim = 0, calls = 0;
    double max_abs_q = 0, max_abs_k = 0, beta = 0;
  };
  std::map<Key, Maxima> maxima_;
};

// Heads per zone (I, II, III, undefined) at each (module, scale).
struct ZoneCounts {
  Module module = Module::kVar;
  int scale = 0;
  std::array<int, 4> heads{};  // indexed by theory::Zone
};
std::vector<ZoneCounts> zone_histogram(const std::vector<HeadCriterion>& rows);

// "k of m head-scales are in the provably fast zone (I) at ε = E; …" — one line.
std::string criterion_verdict(const std::vector<HeadCriterion>& rows, double target_error);

}  // namespace vs::observe
