#include "app/gui/flowar/flownet_map_capture.h"

namespace vs::gui {

bool FlownetMapCapture::watched(const observe::AttentionSite& site) const {
  if (site.row != 0) return false;
  for (const FlownetMapKey& key : watched_)
    if (key.scale == site.step && key.layer == site.layer && key.euler_step == running_) return true;
  return false;
}

observe::ProbabilityRequest FlownetMapCapture::wants_probabilities(const observe::AttentionSite& site) {
  if (watched(site)) return {true, 0, -1};
  return next_ ? next_->wants_probabilities(site) : observe::ProbabilityRequest{};
}

void FlownetMapCapture::on_attention(const observe::AttentionCall& call, const attention::Result& result) {
  if (watched(call.site) && result.probs.rank() == 3) {
    FlownetMap map;
    map.key = {call.site.step, running_, call.site.layer};
    map.heads = int(result.probs.dim(0));
    map.queries = result.probs.dim(1);
    map.keys = result.probs.dim(2);
    map.probs = result.probs.data;
    maps_.push_back(std::move(map));
  }
  if (next_) next_->on_attention(call, result);
}

std::vector<FlownetMap> FlownetMapCapture::take() {
  std::vector<FlownetMap> maps;
  maps.swap(maps_);
  return maps;
}

}  // namespace vs::gui
