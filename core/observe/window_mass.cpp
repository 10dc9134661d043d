#include "core/observe/window_mass.h"

#include <algorithm>

#include "core/attention/pyramid.h"
#include "core/error.h"

namespace vs::observe {

WindowMassObserver::WindowMassObserver(Module module, std::vector<int> scales, int layers, int heads,
                                       attention::WindowShape shape, int exact_scales, int previous_blocks)
    : module_(module),
      scales_(std::move(scales)),
      layers_(layers),
      heads_(heads),
      shape_(shape),
      exact_scales_(exact_scales),
      previous_blocks_(previous_blocks) {}

bool WindowMassObserver::measured(const Site& site) const {
  return site.module == module_ && site.kind == AttentionKind::kSelf && site.euler_step < 0 &&
         site.scale >= exact_scales_ && site.scale < int(scales_.size()) && site.block >= 0 && site.block < layers_;
}

ProbabilityRequest WindowMassObserver::wants_probabilities(const Site& site) {
  ProbabilityRequest request;
  if (measured(site)) {
    request.capture = true;
    request.row_end = -1;  // every query row
  }
  return request;
}

const std::vector<int32_t>& WindowMassObserver::distances(int s, int b) {
  std::vector<int32_t>& table = distances_[{s, b}];
  if (!table.empty()) return table;
  const attention::TokenBlock query{0, int64_t(scales_[s]) * scales_[s], scales_[s]};
  const attention::TokenBlock key{0, int64_t(scales_[b]) * scales_[b], scales_[b]};
  table.resize(size_t(query.count * key.count));
  for (int64_t i = 0; i < query.count; ++i)
    for (int64_t j = 0; j < key.count; ++j)
      table[size_t(i * key.count + j)] = int32_t(attention::window_distance(shape_, query, i, key, j));
  return table;
}

void WindowMassObserver::on_attention(const AttentionCall& call, const attention::Result& result) {
  if (!measured(call.site)) return;
  const int s = call.site.scale, layer = call.site.block;
  const std::vector<int> sides(scales_.begin(), scales_.begin() + s + 1);
  const int64_t H = call.q.dim(0), Lq = call.q.dim(1), Lk = call.k.dim(1);
  const int64_t n = int64_t(scales_[s]) * scales_[s];
  if (H != heads_ || Lq != n || Lk != attention::pyramid_tokens(sides))
    throw Error("window calibration: a call of scale " + std::to_string(s) + " has " + std::to_string(H) + " heads, " +
                std::to_string(Lq) + " queries and " + std::to_string(Lk) + " keys; expected " +
                std::to_string(heads_) + ", " + std::to_string(n) + " and the " +
                std::to_string(attention::pyramid_tokens(sides)) + " tokens of scales " +
                attention::pyramid_to_string(sides));
  if (result.probs.rank() != 3 || result.probs.dim(1) != Lq)
    throw Error("window calibration: the attention variant returned no probabilities (calibrate with exact attention)");
  ++calls_;
  for (int64_t h = 0; h < H; ++h) {
    const float* probs = result.probs.ptr() + h * Lq * Lk;
    double all = 0;
    for (int64_t x = 0; x < Lq * Lk; ++x) all += probs[x];
    row_mass_[{layer, int(h), s}] += all;
    int64_t begin = 0;
    for (int b = 0; b <= s; begin += int64_t(scales_[b]) * scales_[b], ++b) {
      if (b < s - previous_blocks_) continue;  // older blocks stay dense
      const int64_t nb = int64_t(scales_[b]) * scales_[b];
      const std::vector<int32_t>& dist = distances(s, b);
      Histogram& histogram = histograms_[{layer, int(h), s, b}];
      if (histogram.mass.empty())
        histogram.mass.assign(size_t(*std::max_element(dist.begin(), dist.end())) + 1, 0.0);
      for (int64_t i = 0; i < Lq; ++i)
        for (int64_t j = 0; j < nb; ++j) {
          const double p = probs[i * Lk + begin + j];
          histogram.mass[size_t(dist[size_t(i * nb + j)])] += p;
          histogram.total += p;
        }
    }
  }
}

attention::WindowWidths WindowMassObserver::choose_widths(double target_mass, double drop_below) const {
  attention::WindowWidths widths = attention::WindowWidths::dense_table(shape_, scales_, layers_, heads_);
  widths.target_mass = target_mass;
  for (const auto& [where, histogram] : histograms_) {
    const auto [layer, head, s, b] = where;
    if (histogram.total <= 0) continue;
    const double row_mass = row_mass_.at({layer, head, s});
    if (b != s && drop_below > 0 && histogram.total < drop_below * row_mass) {
      widths.at(layer, head, s, b) = attention::kDroppedWindow;
      continue;
    }
    // A relative slack of 1e-9 so that a sum rounded just under target·total still counts.
    const double needed = target_mass * histogram.total * (1 - 1e-9);
    double kept = 0;
    size_t w = 0;
    for (; w < histogram.mass.size(); ++w) {
      kept += histogram.mass[w];
      if (kept >= needed) break;
    }
    // A width reaching the farthest key is the whole block.
    widths.at(layer, head, s, b) = w + 1 >= histogram.mass.size() ? attention::kDenseWindow : int64_t(w);
  }
  return widths;
}

double WindowMassObserver::kept_share(const attention::WindowWidths& widths) const {
  if (!widths.calibrated() || widths.scales != scales_ || widths.layers != layers_ || widths.heads != heads_)
    throw Error("window calibration: the widths were calibrated on another model (scales " +
                attention::pyramid_to_string(widths.scales) + ", " + std::to_string(widths.layers) + " layers, " +
                std::to_string(widths.heads) + " heads)");
  double kept = 0, total = 0;
  for (const auto& [where, histogram] : histograms_) {
    const auto [layer, head, s, b] = where;
    const int64_t w = widths.at(layer, head, s, b);
    total += histogram.total;
    if (w == attention::kDenseWindow) {
      kept += histogram.total;
    } else if (w >= 0) {
      for (size_t d = 0; d < histogram.mass.size() && int64_t(d) <= w; ++d) kept += histogram.mass[d];
    }
  }
  return total > 0 ? kept / total : 1.0;
}

}  // namespace vs::observe
