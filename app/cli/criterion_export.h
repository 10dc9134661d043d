// The criterion's exports (core/observe/criterion.h), shared by `varscope-cli criterion`
// and the explorer's Criterion panel: CSV, one row per (module, attention, scale, block,
// head); JSON with the rows, the heads per zone per scale and the verdict.
#pragma once
#include <string>
#include <vector>

#include "core/generator/generator.h"
#include "core/observe/criterion.h"

namespace vs::cli {

// The generations the criterion looks at: `request` (a model's defaults, or the explorer's
// sampling settings: cfg, attention, extras) for `samples` images in one batch, classes in
// turn, seed 0 (image b draws from stream b), not decoded.
gen::SamplingRequest criterion_request(const gen::ModelInfo& info, gen::SamplingRequest request, long samples);

std::string criterion_csv(const std::vector<observe::HeadCriterion>& rows);
std::string criterion_json(const gen::ModelInfo& info, long samples, double eps,
                           const std::vector<observe::HeadCriterion>& rows,
                           const std::vector<observe::ZoneCounts>& histogram, const std::string& verdict);

}  // namespace vs::cli
