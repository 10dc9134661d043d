// Which keys each query may see. Every structure VARScope needs is a *key prefix* per
// query: plain (all keys), causal (keys up to the query's position) and VAR block-causal
// (keys of every scale up to the query's own, theory §1.3 / var.md §3.2).
//
// Queries may be the last Lq of Lk positions (the KV-cache step: the newest scale's
// queries against all cached keys); for a full pass Lq == Lk.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace vs::attention {

enum class MaskKind { kPlain, kCausal, kBlockCausal };

struct Structure {
  MaskKind kind = MaskKind::kPlain;
  std::vector<int> scale_sides;  // kBlockCausal only: pyramid sides, sum of squares = Lk

  static Structure plain() { return {}; }
  static Structure causal() { return {MaskKind::kCausal, {}}; }
  static Structure block_causal(std::vector<int> sides) {
    return {MaskKind::kBlockCausal, std::move(sides)};
  }

  // Throws vs::Error when the structure cannot apply to Lq queries over Lk keys.
  void validate(int64_t num_queries, int64_t num_keys) const;
  // Keys [0, visible_keys) are visible to query row `query_row` (0-based among Lq).
  int64_t visible_keys(int64_t query_row, int64_t num_queries, int64_t num_keys) const;
  // Maximal runs of consecutive query rows that see the same key prefix, as
  // [row_begin, row_end, visible_keys) triples. Plain: one run; block-causal: one per
  // scale (clipped to the queries present); causal: one per row.
  struct QueryRun {
    int64_t row_begin, row_end, visible_keys;
  };
  std::vector<QueryRun> query_runs(int64_t num_queries, int64_t num_keys) const;

  std::string describe() const;  // "plain", "causal", "block-causal 1,2,3,4"
};

}  // namespace vs::attention
