// One line for a sampling request, as the CLI prints it and the explorer shows it:
// "cfg 4, top-k 900, top-p 0.95, attention exact" or
// "cfg 4.3, 25 Euler steps, guidance 0.9, attention exact", and ", accel SPEC" when an
// acceleration method is set.
#pragma once
#include <string>

#include "core/generator/generator.h"

namespace vs::gen {

std::string describe_request(const SamplingRequest& request);

}  // namespace vs::gen
