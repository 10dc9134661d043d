#include "core/finite_values.h"

#include <cstring>

#include "core/error.h"

namespace vs {
namespace {

// Exponent bits all ones: infinity or NaN; with a non-zero mantissa: NaN.
constexpr uint32_t kExponent = 0x7f800000u, kMagnitude = 0x7fffffffu;

uint32_t bits_of(float x) {
  uint32_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

template <class IsBad>
int64_t count_if_bad(const float* x, int64_t n, IsBad is_bad) {
  int64_t count = 0;
  for (int64_t i = 0; i < n; ++i) count += is_bad(bits_of(x[i])) ? 1 : 0;
  return count;
}

template <class IsBad>
void check(const Tensor& t, const std::string& what, const char* kind, IsBad is_bad) {
  const int64_t bad = count_if_bad(t.ptr(), t.numel(), is_bad);
  if (bad == 0) return;
  int64_t first = 0;
  while (!is_bad(bits_of(t.data[size_t(first)]))) ++first;
  throw Error(what + ": " + std::to_string(bad) + " of " + std::to_string(t.numel()) + " values are " + kind +
              " (the first at index " + std::to_string(first) + ")");
}

bool is_nan(uint32_t b) { return (b & kMagnitude) > kExponent; }
bool is_nan_or_plus_inf(uint32_t b) { return (b & kMagnitude) > kExponent || b == kExponent; }
bool is_non_finite(uint32_t b) { return (b & kExponent) == kExponent; }

}  // namespace

int64_t count_nan(const float* x, int64_t n) { return count_if_bad(x, n, is_nan); }
int64_t count_non_finite(const float* x, int64_t n) { return count_if_bad(x, n, is_non_finite); }

void check_weight_values(const Tensor& t, const std::string& name, const std::string& what) {
  const bool mask = name.find("mask") != std::string::npos || name.find("attn_bias") != std::string::npos;
  if (mask) check(t, what, "NaN or +inf", is_nan_or_plus_inf);
  else check(t, what, "NaN or infinite", is_non_finite);
}
void check_all_finite(const Tensor& t, const std::string& what) {
  check(t, what, "NaN or infinite", is_non_finite);
}

}  // namespace vs
