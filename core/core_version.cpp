// Anchor translation unit of varscope_core, the aggregate library hosts link.
#include "core/core_version.h"

namespace vs {
const char* core_version() { return "0.1.0"; }
}  // namespace vs
