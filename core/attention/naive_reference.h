// Dense double-precision softmax attention, straight from the definition (theory §1.3).
// O(H·Lq·Lk·d) time and an Lk-sized row buffer: a yardstick for tests and error
// measurements, not a variant.
#pragma once
#include <vector>

#include "core/attention/attention.h"

namespace vs::attention {

struct NaiveResult {
  std::vector<double> out;    // (H, Lq, dv)
  std::vector<double> probs;  // (H, Lq, Lk), masked entries 0; filled only if requested
};

NaiveResult naive_attention(const Tensor& q, const Tensor& k, const Tensor& v,
                            const Structure& structure, double scale, bool want_probs = false);

}  // namespace vs::attention
