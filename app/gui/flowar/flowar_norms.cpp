#include "app/gui/flowar/flowar_norms.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

namespace vs::gui {

std::vector<observe::HeadStats> flownet_norms(const FlowArFrame& frame, int euler_step) {
  std::map<std::tuple<observe::AttentionKind, int, int>, observe::HeadStats> chosen;
  for (size_t i = 0; i < frame.flow_stats.size(); ++i) {
    const observe::HeadStats& s = frame.flow_stats[i];
    const int step = i < frame.flow_euler_step.size() ? frame.flow_euler_step[i] : 0;
    if (euler_step > 0 && step != euler_step) continue;
    const auto key = std::make_tuple(s.site.kind, s.site.block, s.head);
    const auto it = chosen.find(key);
    if (it == chosen.end() || s.norms.beta > it->second.norms.beta) chosen[key] = s;
  }
  std::vector<observe::HeadStats> out;
  for (auto& entry : chosen) out.push_back(std::move(entry.second));
  return out;
}

int euler_steps_recorded(const FlowArFrame& frame) {
  int most = 0;
  for (int step : frame.flow_euler_step) most = std::max(most, step);
  return most;
}

}  // namespace vs::gui
