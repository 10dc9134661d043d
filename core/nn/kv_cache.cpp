#include "core/nn/kv_cache.h"

#include <cstring>
#include <string>

#include "core/error.h"

namespace vs::nn {

namespace {

// Grows a head-major (H, old, d) tensor to (H, old + n, d) in place, appending `extra`
// (H, n, d) to every head. Heads move from the last to the first, so every move goes to
// a higher address than any head still waiting to move.
void append_tokens(Tensor& cache, const Tensor& extra) {
  const int64_t H = cache.dim(0), old_tokens = cache.dim(1), d = cache.dim(2);
  const int64_t n = extra.dim(1);
  const int64_t new_tokens = old_tokens + n;
  cache.data.resize(H * new_tokens * d);
  cache.shape = {H, new_tokens, d};
  float* base = cache.ptr();
  for (int64_t h = H - 1; h >= 0; --h) {
    if (h > 0 && old_tokens > 0)
      std::memmove(base + h * new_tokens * d, base + h * old_tokens * d,
                   sizeof(float) * old_tokens * d);
    std::memcpy(base + (h * new_tokens + old_tokens) * d, extra.ptr() + h * n * d,
                sizeof(float) * n * d);
  }
}

}  // namespace

void KvCache::reset(int depth, int64_t rows, int heads, int head_dim, int64_t capacity_tokens) {
  depth_ = depth;
  rows_ = rows;
  entries_.assign(static_cast<size_t>(depth) * rows, Entry{});
  for (Entry& e : entries_) {
    for (Tensor* t : {&e.keys, &e.values}) {
      t->shape = {heads, 0, head_dim};
      t->data.reserve(static_cast<size_t>(heads) * capacity_tokens * head_dim);
    }
  }
}

const KvCache::Entry& KvCache::at(int layer, int64_t row) const {
  if (layer < 0 || layer >= depth_ || row < 0 || row >= rows_)
    throw Error("KV cache: (layer " + std::to_string(layer) + ", row " + std::to_string(row) +
                ") outside " + std::to_string(depth_) + " layers x " + std::to_string(rows_) +
                " rows");
  return entries_[static_cast<size_t>(layer) * rows_ + row];
}

void KvCache::append(int layer, int64_t row, const Tensor& new_keys, const Tensor& new_values) {
  Entry& e = const_cast<Entry&>(at(layer, row));
  for (auto [cache, extra] : {std::pair<Tensor*, const Tensor*>{&e.keys, &new_keys},
                              std::pair<Tensor*, const Tensor*>{&e.values, &new_values}}) {
    if (extra->rank() != 3 || extra->dim(0) != cache->dim(0) || extra->dim(2) != cache->dim(2))
      throw Error("KV cache: appended tensor " + extra->shape_str() + " does not fit cache " +
                  cache->shape_str());
    append_tokens(*cache, *extra);
  }
}

void KvCache::append_values(int layer, int64_t row, const Tensor& new_values) {
  Tensor& values = const_cast<Entry&>(at(layer, row)).values;
  if (new_values.rank() != 3 || new_values.dim(0) != values.dim(0) || new_values.dim(2) != values.dim(2))
    throw Error("KV cache: appended values " + new_values.shape_str() + " do not fit cache " + values.shape_str());
  append_tokens(values, new_values);
}

int64_t KvCache::bytes() const {
  int64_t floats = 0;
  for (const Entry& e : entries_) floats += e.keys.numel() + e.values.numel();
  return floats * static_cast<int64_t>(sizeof(float));
}

}  // namespace vs::nn
