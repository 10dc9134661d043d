#include "core/observe/observer.h"

#include "core/error.h"

namespace vs::observe {

const char* part_name(Part part) {
  switch (part) {
    case Part::kAttention:
      return "attention";
    case Part::kMlp:
      return "mlp";
    case Part::kHead:
      return "head";
    case Part::kEmbedding:
      return "embedding";
  }
  return "?";
}

std::vector<HeadStats> head_stats(const AttentionCall& call) {
  const auto norms = attention::head_norms(call.q, call.k, call.structure, call.softmax_scale);
  std::vector<HeadStats> out(norms.size());
  for (size_t h = 0; h < norms.size(); ++h)
    out[h] = {call.site, static_cast<int>(h), call.q.dim(1), call.k.dim(1), norms[h]};
  return out;
}

void NormStatsObserver::on_attention(const AttentionCall& call, const attention::Result&) {
  const auto heads = head_stats(call);
  stats_.insert(stats_.end(), heads.begin(), heads.end());
}

ProbabilityRequest AttentionCaptureObserver::wants_probabilities(const AttentionSite& site) {
  ProbabilityRequest request;
  if (watched_.count({site.step, site.layer, site.row})) {
    request.capture = true;
    request.row_begin = 0;
    request.row_end = -1;
  }
  return request;
}

void AttentionCaptureObserver::on_attention(const AttentionCall& call,
                                            const attention::Result& result) {
  const Key key{call.site.step, call.site.layer, call.site.row};
  if (!watched_.count(key)) return;
  Capture& c = captures_[key];
  c.q = call.q;
  c.k = call.k;
  c.probs = result.probs;
}

const AttentionCaptureObserver::Capture& AttentionCaptureObserver::capture(int step, int layer,
                                                                           int64_t row) const {
  auto it = captures_.find({step, layer, row});
  if (it == captures_.end())
    throw Error("attention capture: no call was recorded at step " + std::to_string(step) +
                ", layer " + std::to_string(layer) + ", row " + std::to_string(row));
  return it->second;
}

void TimingObserver::on_timing(Part part, int step, int layer, double elapsed_ms) {
  elapsed_ms_[{part, step, layer}] += elapsed_ms;
}

double TimingObserver::total_ms(Part part) const {
  double sum = 0;
  for (const auto& [key, ms] : elapsed_ms_)
    if (std::get<0>(key) == part) sum += ms;
  return sum;
}

double TimingObserver::total_ms() const {
  double sum = 0;
  for (const auto& [key, ms] : elapsed_ms_) sum += ms;
  return sum;
}

}  // namespace vs::observe
