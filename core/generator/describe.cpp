#include "core/generator/describe.h"

#include <cstdio>

namespace vs::gen {

namespace {

struct ExtraText {
  std::string operator()(const VarExtra& e) const {
    char text[96];
    std::snprintf(text, sizeof text, ", top-k %d, top-p %g%s", e.top_k, e.top_p, e.more_smooth ? ", more-smooth" : "");
    return text;
  }
  std::string operator()(const FlowArExtra& e) const {
    char text[64];
    std::snprintf(text, sizeof text, ", %d Euler steps, guidance %g", e.steps, e.guidance);
    return text;
  }
};

}  // namespace

std::string describe_request(const SamplingRequest& request) {
  char cfg[32];
  std::snprintf(cfg, sizeof cfg, "cfg %g", request.cfg);
  const bool accelerated = !request.accel.empty() && request.accel != "none";
  return cfg + std::visit(ExtraText{}, request.extra) + ", attention " + request.attention +
         (accelerated ? ", accel " + request.accel : "");
}

}  // namespace vs::gen
