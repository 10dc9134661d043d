#include "core/var/random_normal.h"

#include <algorithm>
#include <cmath>

#include "core/var/rng.h"

namespace vs::var {

// Box–Muller on rng.h's uniforms; each chunk of 2^16 values has its own stream.
Tensor random_normal(const Shape& shape, float stddev, uint64_t seed, uint64_t stream) {
  Tensor t(shape);
  constexpr int64_t kChunk = 1 << 16;
  const int64_t n = t.numel(), chunks = (n + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(static)
  for (int64_t c = 0; c < chunks; ++c) {
    Rng rng(seed, (stream << 20) + static_cast<uint64_t>(c));
    const int64_t end = std::min(n, (c + 1) * kChunk);
    for (int64_t i = c * kChunk; i < end; i += 2) {
      const double r = std::sqrt(-2.0 * std::log(rng.uniform())), a = 2.0 * 3.14159265358979323846 * rng.uniform();
      t.data[i] = static_cast<float>(stddev * r * std::cos(a));
      if (i + 1 < end) t.data[i + 1] = static_cast<float>(stddev * r * std::sin(a));
    }
  }
  return t;
}

}  // namespace vs::var
