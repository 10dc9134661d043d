// The acceleration plan of a request on a model (core/accel): the one place that reads
// a model's scales and a request's FlowAR steps and guidance into accel::PlanTarget, for
// the adapters and for the CLI's check before any work.
#pragma once
#include <variant>

#include "core/accel/accel_plan.h"
#include "core/generator/generator.h"

namespace vs::gen {

inline bool is_flowar(const Generator& generator) { return generator.info().family == Family::kFlowAr; }

inline accel::AccelPlan accel_plan(const ModelInfo& info, const SamplingRequest& request) {
  accel::PlanTarget target;
  target.model = info.name;
  target.num_scales = info.num_scales();
  target.flowar = info.family == Family::kFlowAr;
  target.sides = info.scales;
  if (const auto* extra = std::get_if<FlowArExtra>(&request.extra)) {
    target.steps = extra->steps;
    target.guidance = extra->guidance;
  }
  return accel::plan_accel(accel::parse_accel(request.accel), target);
}

}  // namespace vs::gen
