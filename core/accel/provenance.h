// Where each method's rule stands in ../shared/spec/acceleration.md: a method applied to a
// model its authors never reported on is tagged [D] there (an extrapolation), and every
// output that shows it says so.
#pragma once
#include <string>
#include <vector>

#include "core/accel/accel_spec.h"

namespace vs::accel {

// One line per method of `spec` that is an extrapolation on this family; empty when none.
std::vector<std::string> extrapolations(const AccelSpec& spec, bool flowar);

}  // namespace vs::accel
