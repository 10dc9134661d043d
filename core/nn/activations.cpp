#include "core/nn/activations.h"

namespace vs::nn {
namespace {

// Elementwise loops split over the OpenMP threads once a tensor is big enough to pay for it.
template <class F>
void apply_inplace(Tensor& t, F f) {
  float* p = t.ptr();
  const int64_t n = t.numel();
#pragma omp parallel for simd schedule(static) if (n > 65536)
  for (int64_t i = 0; i < n; ++i) p[i] = f(p[i]);
}

}  // namespace

void silu_inplace(Tensor& t) { apply_inplace(t, [](float x) { return silu(x); }); }
void gelu_tanh_inplace(Tensor& t) { apply_inplace(t, [](float x) { return gelu_tanh(x); }); }
void gelu_erf_inplace(Tensor& t) { apply_inplace(t, [](float x) { return gelu_erf(x); }); }

}  // namespace vs::nn
