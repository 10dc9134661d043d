// Wall time of a command's phases, for its printed summary and JSON.
#pragma once
#include <chrono>

namespace vs::cli {

inline double elapsed_ms_since(const std::chrono::steady_clock::time_point& start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace vs::cli
