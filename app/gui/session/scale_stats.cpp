#include "app/gui/session/scale_stats.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace vs::gui {

int euler_steps(const ScaleFrame& frame, observe::Module module) {
  int steps = 0;
  for (const observe::HeadStats& s : frame.stats)
    if (s.site.module == module) steps = std::max(steps, s.site.euler_step + 1);
  return steps;
}

std::vector<observe::HeadStats> module_stats(const ScaleFrame& frame, observe::Module module, int euler_step) {
  std::map<std::tuple<observe::AttentionKind, int, int>, observe::HeadStats> chosen;
  for (const observe::HeadStats& s : frame.stats) {
    if (s.site.module != module || (euler_step >= 0 && s.site.euler_step != euler_step)) continue;
    const auto key = std::make_tuple(s.site.kind, s.site.block, s.head);
    const auto it = chosen.find(key);
    if (it == chosen.end() || s.norms.beta > it->second.norms.beta) chosen[key] = s;
  }
  std::vector<observe::HeadStats> out;
  out.reserve(chosen.size());
  for (auto& entry : chosen) out.push_back(std::move(entry.second));
  return out;
}

}  // namespace vs::gui
