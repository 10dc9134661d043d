// The KV cache of autoregressive sampling (VAR, var.md §4.3; FlowAR's AR transformer): per
// block and batch row, the keys and the values of every token generated so far. A scale's
// queries attend to all of it without a mask, which equals the block-causal pass.
// Size: 2 · depth · rows · L · C floats (≈178 MB for d16, B = 1 with CFG).
#pragma once
#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace vs::nn {

class KvCache {
 public:
  // Empties the cache and reserves room for `capacity_tokens` tokens per (layer, row).
  void reset(int depth, int64_t rows, int heads, int head_dim, int64_t capacity_tokens);
  int depth() const { return depth_; }
  int64_t rows() const { return rows_; }
  // Tokens cached for (layer, row).
  int64_t tokens(int layer, int64_t row) const { return keys(layer, row).dim(1); }
  // Appends (H, n, hd) keys and values; afterwards keys()/values() are (H, old + n, hd).
  void append(int layer, int64_t row, const Tensor& new_keys, const Tensor& new_values);
  // Appends values only (cfg-share: a row whose attention probabilities are another row's
  // needs its values, never its keys); tokens() then counts the keys, fewer than the values.
  void append_values(int layer, int64_t row, const Tensor& new_values);
  const Tensor& keys(int layer, int64_t row) const { return at(layer, row).keys; }      // (H, Lk, hd)
  const Tensor& values(int layer, int64_t row) const { return at(layer, row).values; }  // (H, Lk, hd)
  int64_t bytes() const;  // floats held, in bytes

 private:
  struct Entry {
    Tensor keys, values;
  };
  const Entry& at(int layer, int64_t row) const;
  int depth_ = 0;
  int64_t rows_ = 0;
  std::vector<Entry> entries_;  // layer-major: entries_[layer * rows + row]
};

}  // namespace vs::nn
