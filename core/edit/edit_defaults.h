// The sampling defaults of an edit, the one source the CLI's `edit` and the explorer's
// "Your image" panel share: VAR's zero-shot edit demo uses cfg 3, top-k 900, top-p 0.95 and
// more_smooth on; FlowAR has no official edit rule, so it keeps its model's defaults.
#pragma once
#include "core/generator/generator.h"

namespace vs::gen {

// `request` (a model's default_request()) with the edit defaults of its family.
SamplingRequest edit_defaults(SamplingRequest request);

}  // namespace vs::gen
