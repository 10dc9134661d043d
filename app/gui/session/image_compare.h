// Numbers of the exact-vs-approximate comparison: how far two generations of the same seed
// (one with exact attention, one with an approximation) drift apart, per scale.
#pragma once
#include <cstdint>
#include <vector>

namespace vs::gui {

// Per pixel mean over R, G, B of |a − b| / 255: (pixels) in [0, 1]. Sizes must match
// (else empty).
std::vector<float> abs_difference_map(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b);
// ‖a − b‖₂ / ‖a‖₂ over all bytes (0 when both are zero); NaN when the sizes differ.
double relative_l2_error(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b);
// Fraction of positions with equal ids; NaN when the sizes differ or are empty.
double token_agreement(const std::vector<int64_t>& a, const std::vector<int64_t>& b);

}  // namespace vs::gui
