// What the FlowAR parity tests compare with: the relative error of a tensor against the
// reference, integer tensors stored as floats, and a token range of a (B, L, C) tensor.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace vs::test {

// max |a − b| / max |b| (a shape mismatch fails the test and gives infinity).
inline double relative_error(const Tensor& a, const Tensor& b) {
  EXPECT_EQ(a.shape, b.shape);
  if (a.shape != b.shape) return INFINITY;
  double diff = 0, mag = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    diff = std::max(diff, double(std::fabs(a.data[i] - b.data[i])));
    mag = std::max(mag, double(std::fabs(b.data[i])));
  }
  return diff / std::max(mag, 1e-12);
}

inline std::vector<int64_t> int_values(const Tensor& t) {
  std::vector<int64_t> out;
  for (float v : t.data) out.push_back(static_cast<int64_t>(std::lround(v)));
  return out;
}

// Tokens [begin, begin + n) of x (B, L, C) -> (B, n, C).
inline Tensor token_slice(const Tensor& x, int64_t begin, int64_t n) {
  const int64_t B = x.dim(0), L = x.dim(1), C = x.dim(2);
  Tensor out({B, n, C});
  for (int64_t b = 0; b < B; ++b)
    std::copy(x.data.begin() + (b * L + begin) * C, x.data.begin() + (b * L + begin + n) * C,
              out.data.begin() + b * n * C);
  return out;
}

}  // namespace vs::test
