// The flownet's attention maps for the inspector. The flownet attends within one scale
// (side² queries × side² keys) at every Euler step, self-attention per block and, in
// Block_v2, cross-attention to the condition per block: far too many maps to keep, so
// only the selected (scale, Euler step, site layer) is captured, for the conditional row
// (batch row 0), every head.
#pragma once
#include <cstdint>
#include <vector>

#include "core/observe/observer.h"

namespace vs::gui {

// The inspector's flownet layer index of a flownet site: block b's self-attention is b,
// its cross-attention flow_depth + b.
inline int flownet_site_layer(const observe::Site& site, int flow_depth) {
  return site.block + (site.kind == observe::AttentionKind::kCross ? flow_depth : 0);
}

struct FlownetMapKey {
  int scale = 0;       // 0-based
  int euler_step = 1;  // 1-based
  int layer = 0;       // site layer: block b's self-attention is b, its cross-attention flow_depth + b
  bool operator==(const FlownetMapKey& o) const {
    return scale == o.scale && euler_step == o.euler_step && layer == o.layer;
  }
};

struct FlownetMap {
  FlownetMapKey key;
  int heads = 0;
  int64_t queries = 0, keys = 0;
  std::vector<float> probs;  // (heads, queries, keys), each row summing to 1
  int64_t bytes() const { return int64_t(probs.size()) * int64_t(sizeof(float)); }
};

// An observer for the sampler's flow_context: captures the watched maps and hands every
// call on to `next` (the norm statistics), whose own probability requests it honours when
// it captures nothing itself.
class FlownetMapCapture : public observe::Observer {
 public:
  explicit FlownetMapCapture(int flow_depth, observe::Observer* next = nullptr)
      : flow_depth_(flow_depth), next_(next) {}
  // Captures (euler_step, layer) of `scale`; several watches may be active.
  void watch(const FlownetMapKey& key) { watched_.push_back(key); }

  observe::ProbabilityRequest wants_probabilities(const observe::Site& site) override;
  void on_attention(const observe::AttentionCall& call, const attention::Result& result) override;
  // The maps captured since the last call, in the order they ran.
  std::vector<FlownetMap> take();

 private:
  bool watched(const observe::Site& site) const;

  int flow_depth_;
  observe::Observer* next_;
  std::vector<FlownetMapKey> watched_;
  std::vector<FlownetMap> maps_;
};

}  // namespace vs::gui
