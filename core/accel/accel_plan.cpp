#include "core/accel/accel_plan.h"

#include <algorithm>
#include <string>

#include "core/error.h"

namespace vs::accel {

namespace {

[[noreturn]] void refuse(const AccelSpec& spec, const PlanTarget& target, const std::string& why) {
  throw Error("acceleration '" + spec.text + "' does not fit " + target.model + ": " + why);
}

// A scale index, negative from the end, in [-K, K − 1] (or up to K where `past_end`).
int scale_index(const AccelSpec& spec, const PlanTarget& target, const char* what, int index, bool past_end) {
  const int K = target.num_scales, top = past_end ? K : K - 1;
  if (index < -K || index > top)
    refuse(spec, target, std::string(what) + "=" + std::to_string(index) + " is outside [" + std::to_string(-K) +
                             ", " + std::to_string(top) + "] for its " + std::to_string(K) + " scales");
  return index < 0 ? K + index : index;
}

// The scale whose side is `side`.
int scale_of_side(const AccelSpec& spec, const PlanTarget& target, int side) {
  for (size_t k = 0; k < target.sides.size(); ++k)
    if (target.sides[k] == side) return static_cast<int>(k);
  std::string sides;
  for (int s : target.sides) sides += (sides.empty() ? "" : ",") + std::to_string(s);
  refuse(spec, target, "fastvar names side " + std::to_string(side) + ", not one of its scales (" + sides + ")");
}

void plan_fastvar(const AccelSpec& spec, const PlanTarget& target, AccelPlan& plan) {
  const int K = target.num_scales;
  if (target.flowar) refuse(spec, target, "fastvar prunes VAR's transformer; FlowAR has no port of it yet");
  if (int(target.sides.size()) != K) refuse(spec, target, "fastvar needs the scale sides");
  if (K < 3 && (!spec.fastvar_cache || spec.fastvar_prune.empty()))
    refuse(spec, target, "fastvar's default needs 3 scales; give cache= and prune=");
  plan.fastvar_cache_scale = spec.fastvar_cache ? scale_of_side(spec, target, *spec.fastvar_cache) : K - 3;
  std::vector<double> ratio(K, 0.0);
  if (spec.fastvar_prune.empty()) {
    ratio[K - 2] = 0.4;
    ratio[K - 1] = 0.5;
  }
  for (const auto& [side, share] : spec.fastvar_prune) {
    const int k = scale_of_side(spec, target, side);
    if (k <= plan.fastvar_cache_scale)
      refuse(spec, target, "fastvar prunes side " + std::to_string(side) + ", which does not come after the cache side " +
                               std::to_string(target.sides[plan.fastvar_cache_scale]));
    ratio[k] = share;
  }
  for (double r : ratio)
    if (r > 0) {
      plan.prune_ratio = ratio;
      return;
    }
}

}  // namespace

AccelPlan plan_accel(const AccelSpec& spec, const PlanTarget& target) {
  const int K = target.num_scales;
  AccelPlan plan;
  plan.last_scale = spec.skip_after ? scale_index(spec, target, "skip:after", *spec.skip_after, false) : K - 1;
  // cfg-drop may start one past the last scale: its null setting.
  plan.uncond_from = spec.uncond_from ? scale_index(spec, target, "cfg-drop:from", *spec.uncond_from, true) : K;
  if (spec.fastvar) plan_fastvar(spec, target, plan);
  if (!spec.code_drafter.empty()) {
    plan.code_drafter = spec.code_drafter;
    // switch = K: the drafter samples everything; 0: the loaded model alone (the null setting).
    plan.code_switch = scale_index(spec, target, "code:switch", spec.code_switch.value_or(std::max(-2, -K)), true);
    if (plan.code_switch > plan.last_scale + 1)
      refuse(spec, target, "code:switch=" + std::to_string(plan.code_switch) + " comes after the last scale sampled (" +
                               std::to_string(plan.last_scale) + ")");
  }
  // cfg-share may start one past the last scale: its null setting.
  plan.share_cfg_from = spec.share_cfg_from ? scale_index(spec, target, "cfg-share:from", *spec.share_cfg_from, true) : K;
  if (spec.share_cfg_from && target.flowar)
    refuse(spec, target, "cfg-share shares VAR's attention between the CFG halves; FlowAR has no port of it");
  if (spec.share_cfg_from && plan.prunes())
    refuse(spec, target, "cfg-share cannot join fastvar: each CFG half keeps its own tokens, so there is no one "
                         "attention map to share");
  if (!target.flowar) {
    if (spec.guidance) refuse(spec, target, "cfg-drop:guidance is FlowAR's guidance interval; VAR has none");
    if (spec.steps || !spec.steps_per_scale.empty()) refuse(spec, target, "steps: is FlowAR's; VAR has no Euler steps");
    return plan;
  }
  plan.guidance = spec.guidance ? std::min(*spec.guidance, target.guidance) : target.guidance;
  if (!spec.steps_per_scale.empty()) {
    if (int(spec.steps_per_scale.size()) != K)
      refuse(spec, target, "steps:per lists " + std::to_string(spec.steps_per_scale.size()) + " counts for its " +
                               std::to_string(K) + " scales");
    plan.steps_per_scale = spec.steps_per_scale;
  } else {
    plan.steps_per_scale.assign(K, spec.steps ? spec.steps : target.steps);
  }
  return plan;
}

}  // namespace vs::accel
