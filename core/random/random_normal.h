// Random N(0, stddev²) tensors for models built with random weights (VAR d16 … for bench
// generate, FlowAR-S/L/H): deterministic per (seed, stream), filled in parallel chunks so a
// 172 M-parameter model builds in seconds.
#pragma once
#include <cstdint>

#include "core/tensor.h"

namespace vs::random {

Tensor random_normal(const Shape& shape, float stddev, uint64_t seed, uint64_t stream);

}  // namespace vs::random
