#include "core/var/token_pruning.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <string>

#include "core/error.h"
#include "core/nn/resample.h"

namespace vs::var {

std::vector<int64_t> pivotal_tokens(const float* x, int64_t n, int64_t C, double ratio) {
  const int64_t keep = n - static_cast<int64_t>(std::floor(double(n) * ratio));
  std::vector<double> mean(C, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t c = 0; c < C; ++c) mean[c] += x[i * C + c];
  for (double& m : mean) m /= double(n);
  std::vector<double> score(n, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t c = 0; c < C; ++c) {
      const double d = x[i * C + c] - mean[c];
      score[i] += d * d;
    }
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return score[a] > score[b]; });
  order.resize(static_cast<size_t>(std::max<int64_t>(keep, 0)));
  std::sort(order.begin(), order.end());
  return order;
}

Tensor gather_tokens(const Tensor& x, const std::vector<std::vector<int64_t>>& kept) {
  const int64_t R = x.dim(0), n = x.dim(1), C = x.dim(2);
  if (int64_t(kept.size()) != R) throw Error("token pruning: " + std::to_string(kept.size()) + " kept lists for " + std::to_string(R) + " rows");
  const int64_t K = kept.empty() ? 0 : int64_t(kept[0].size());
  Tensor out({R, K, C});
  for (int64_t r = 0; r < R; ++r) {
    if (int64_t(kept[r].size()) != K) throw Error("token pruning: rows keep different token counts");
    for (int64_t j = 0; j < K; ++j) {
      const int64_t t = kept[r][j];
      if (t < 0 || t >= n) throw Error("token pruning: kept token " + std::to_string(t) + " outside 0.." + std::to_string(n - 1));
      std::memcpy(out.ptr() + (r * K + j) * C, x.ptr() + (r * n + t) * C, sizeof(float) * C);
    }
  }
  return out;
}

Tensor area_tokens(const Tensor& tokens, int side_out) {
  const int64_t R = tokens.dim(0), n = tokens.dim(1), C = tokens.dim(2);
  const int64_t side_in = std::llround(std::sqrt(double(n)));
  if (side_in * side_in != n) throw Error("token pruning: " + std::to_string(n) + " tokens are not a square grid");
  Tensor maps({R, C, side_in, side_in});
  for (int64_t r = 0; r < R; ++r)
    for (int64_t t = 0; t < n; ++t)
      for (int64_t c = 0; c < C; ++c) maps.data[(r * C + c) * n + t] = tokens.data[(r * n + t) * C + c];
  const Tensor resized = nn::interpolate_area(maps, side_out, side_out);
  const int64_t m = int64_t(side_out) * side_out;
  Tensor out({R, m, C});
  for (int64_t r = 0; r < R; ++r)
    for (int64_t t = 0; t < m; ++t)
      for (int64_t c = 0; c < C; ++c) out.data[(r * m + t) * C + c] = resized.data[(r * C + c) * m + t];
  return out;
}

FastVarState::FastVarState(int depth, std::vector<int> sides, int cache_scale, std::vector<double> ratio)
    : cache_scale_(cache_scale), sides_(std::move(sides)), ratio_(std::move(ratio)),
      cached_(size_t(depth) * 2), kept_counts_(sides_.size()), selections_(sides_.size(), 0) {
  if (ratio_.size() != sides_.size()) throw Error("FastVAR: a ratio per scale is needed");
  for (size_t k = 0; k < ratio_.size(); ++k)
    if (ratio_[k] > 0 && int(k) <= cache_scale_)
      throw Error("FastVAR: scale " + std::to_string(k) + " is pruned but the cache scale " +
                  std::to_string(cache_scale_) + " does not come before it");
}

double FastVarState::ratio(int scale) const {
  return scale >= 0 && scale < int(ratio_.size()) ? ratio_[scale] : 0.0;
}

void FastVarState::store(int layer, int sublayer, const Tensor& branch) { cached_.at(size_t(layer) * 2 + sublayer) = branch; }

Tensor FastVarState::restored(int layer, int sublayer, int64_t rows, int side) const {
  const Tensor& cached = cached_.at(size_t(layer) * 2 + sublayer);
  if (cached.numel() == 0 || cached.dim(0) < rows)
    throw Error("FastVAR: no cached branch output of layer " + std::to_string(layer) + " for " + std::to_string(rows) + " rows");
  Tensor head;
  head.shape = cached.shape;
  head.shape[0] = rows;
  head.data.assign(cached.data.begin(), cached.data.begin() + rows * (cached.numel() / cached.dim(0)));
  return area_tokens(head, side);
}

void FastVarState::record(int scale, int64_t n, const std::vector<int64_t>& kept_row0) {
  std::vector<int>& counts = kept_counts_.at(scale);
  if (counts.empty()) counts.assign(size_t(n), 0);
  for (int64_t t : kept_row0) ++counts.at(size_t(t));
  ++selections_.at(scale);
}

std::vector<float> FastVarState::kept_share(int scale) const {
  std::vector<float> share;
  const int selections = selections_.at(scale);
  for (int count : kept_counts_.at(scale)) share.push_back(float(count) / float(selections));
  return share;
}

}  // namespace vs::var
