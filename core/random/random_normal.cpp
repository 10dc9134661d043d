#include "core/random/random_normal.h"

#include <algorithm>
#include <cmath>

#include "core/random/rng.h"

namespace vs::random {

// Box–Muller pairs on Rng's uniforms (rng.h); each chunk of 2^16 values has its own stream.
Tensor random_normal(const Shape& shape, float stddev, uint64_t seed, uint64_t stream) {
  Tensor t(shape);
  constexpr int64_t kChunk = 1 << 16;
  const int64_t n = t.numel(), chunks = (n + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(static)
  for (int64_t c = 0; c < chunks; ++c) {
    Rng rng(seed, (stream << 20) + static_cast<uint64_t>(c));
    const int64_t end = std::min(n, (c + 1) * kChunk);
    for (int64_t i = c * kChunk; i < end; i += 2) {
      const double u1 = rng.uniform(), u2 = rng.uniform();
      const Polar p = box_muller(u1, u2);
      t.data[i] = static_cast<float>(stddev * p.radius * std::cos(p.angle));
      if (i + 1 < end) t.data[i + 1] = static_cast<float>(stddev * p.radius * std::sin(p.angle));
    }
  }
  return t;
}

}  // namespace vs::random
