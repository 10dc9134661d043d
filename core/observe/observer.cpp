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

const char* module_name(Module module) {
  switch (module) {
    case Module::kVar:
      return "var";
    case Module::kAr:
      return "ar";
    case Module::kFlownet:
      return "flownet";
  }
  return "?";
}

const char* attention_kind_name(AttentionKind kind) { return kind == AttentionKind::kCross ? "cross" : "self"; }

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

ProbabilityRequest AttentionCaptureObserver::wants_probabilities(const Site& site) {
  ProbabilityRequest request;
  if (watched_.count(Key(site))) {
    request.capture = true;
    request.row_begin = 0;
    request.row_end = -1;
  }
  return request;
}

void AttentionCaptureObserver::on_attention(const AttentionCall& call,
                                            const attention::Result& result) {
  const Key key(call.site);
  if (!watched_.count(key)) return;
  Capture& c = captures_[key];
  c.q = call.q;
  c.k = call.k;
  c.probs = result.probs;
}

const AttentionCaptureObserver::Capture& AttentionCaptureObserver::capture(const Site& site) const {
  auto it = captures_.find(Key(site));
  if (it == captures_.end())
    throw Error(std::string("attention capture: no ") + module_name(site.module) + " " +
                attention_kind_name(site.kind) + "-attention call was recorded at scale " +
                std::to_string(site.scale) + ", Euler step " + std::to_string(site.euler_step) + ", block " +
                std::to_string(site.block) + ", row " + std::to_string(site.row));
  return it->second;
}

void TimingObserver::on_timing(Part part, const Site& site, double elapsed_ms) {
  elapsed_ms_[{site.module, part, site.scale, site.block}] += elapsed_ms;
}

double TimingObserver::total_ms(Part part) const {
  double sum = 0;
  for (const auto& [key, ms] : elapsed_ms_)
    if (std::get<1>(key) == part) sum += ms;
  return sum;
}

double TimingObserver::total_ms() const {
  double sum = 0;
  for (const auto& [key, ms] : elapsed_ms_) sum += ms;
  return sum;
}

}  // namespace vs::observe
