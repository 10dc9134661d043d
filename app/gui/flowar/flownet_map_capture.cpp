#include "app/gui/flowar/flownet_map_capture.h"

namespace vs::gui {

bool FlownetMapCapture::watched(const observe::Site& site) const {
  if (site.row != 0 || site.module != observe::Module::kFlownet) return false;
  for (const FlownetMapKey& key : watched_)
    if (key.scale == site.scale && key.layer == flownet_site_layer(site, flow_depth_) &&
        key.euler_step == site.euler_step + 1)
      return true;
  return false;
}

observe::ProbabilityRequest FlownetMapCapture::wants_probabilities(const observe::Site& site) {
  if (watched(site)) return {true, 0, -1};
  return next_ ? next_->wants_probabilities(site) : observe::ProbabilityRequest{};
}

void FlownetMapCapture::on_attention(const observe::AttentionCall& call, const attention::Result& result) {
  if (watched(call.site) && result.probs.rank() == 3) {
    FlownetMap map;
    map.key = {call.site.scale, call.site.euler_step + 1, flownet_site_layer(call.site, flow_depth_)};
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
