// Attention probabilities as PNG heat maps, for inspect (VAR and FlowAR).
#pragma once
#include <cstdint>
#include <string>

namespace vs::cli {

// One head's (rows, cols) probabilities, row-major, as a PNG: log-scaled over four decades
// below the map's maximum (attention is heavy-tailed; a linear scale shows a few pixels),
// each cell enlarged to at least ~256 px for the longer side.
void write_heat_map(const std::string& path, const float* probs, int64_t rows, int64_t cols);

}  // namespace vs::cli
