#pragma once

namespace vs {
const char* core_version();
}  // namespace vs
