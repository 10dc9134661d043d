// Non-finite values found before they become a plausible-looking result: weights at load
// (an all-NaN checkpoint gave a normal image and exit 0), and results before they are
// written or printed. Both counts are one branch-free pass that the compiler vectorises.
#pragma once
#include <cstdint>
#include <string>

#include "core/tensor.h"

namespace vs {

int64_t count_nan(const float* x, int64_t n);
int64_t count_non_finite(const float* x, int64_t n);

// For weights at load: throws vs::Error "WHAT: N of M values are NaN or infinite (the
// first at index I)" when any is. Only an attention-mask buffer (`name` holds "mask" or
// "attn_bias", like VAR's attn_bias_for_masking) may hold −inf; in any other tensor an
// infinity is no weight's value (a planted one gave a plausible image and exit 0).
void check_weight_values(const Tensor& t, const std::string& name, const std::string& what);

// Throws vs::Error "WHAT: N of M values are NaN or infinite (the first at index I)".
void check_all_finite(const Tensor& t, const std::string& what);

}  // namespace vs
