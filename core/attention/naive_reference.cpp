#include "core/attention/naive_reference.h"

#include <algorithm>
#include <cmath>

namespace vs::attention {

NaiveResult naive_attention(const Tensor& q, const Tensor& k, const Tensor& v,
                            const Structure& structure, double scale, bool want_probs) {
  const Dims dims = validate_inputs("naive attention", q, k, v, structure, Options{});
  const int64_t H = dims.heads, Lq = dims.num_queries, Lk = dims.num_keys, d = dims.head_dim,
                dv = dims.value_dim;
  NaiveResult result;
  result.out.assign(H * Lq * dv, 0.0);
  if (want_probs) result.probs.assign(H * Lq * Lk, 0.0);
  std::vector<double> logits(Lk);
  for (int64_t h = 0; h < H; ++h) {
    for (int64_t i = 0; i < Lq; ++i) {
      const int64_t visible = structure.visible_keys(i, Lq, Lk);
      const float* qi = q.ptr() + (h * Lq + i) * d;
      double max_logit = -INFINITY;
      for (int64_t j = 0; j < visible; ++j) {
        const float* kj = k.ptr() + (h * Lk + j) * d;
        double dot = 0;
        for (int64_t c = 0; c < d; ++c) dot += double(qi[c]) * kj[c];
        logits[j] = dot * scale;
        max_logit = std::max(max_logit, logits[j]);
      }
      double sum = 0;
      for (int64_t j = 0; j < visible; ++j) sum += (logits[j] = std::exp(logits[j] - max_logit));
      double* oi = result.out.data() + (h * Lq + i) * dv;
      for (int64_t j = 0; j < visible; ++j) {
        const double p = logits[j] / sum;
        if (want_probs) result.probs[(h * Lq + i) * Lk + j] = p;
        const float* vj = v.ptr() + (h * Lk + j) * dv;
        for (int64_t c = 0; c < dv; ++c) oi[c] += p * vj[c];
      }
    }
  }
  return result;
}

}  // namespace vs::attention
