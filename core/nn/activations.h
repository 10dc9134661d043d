// Elementwise activations, in place, as the reference modules compute them.
#pragma once
#include <cmath>

#include "core/tensor.h"

namespace vs::nn {

// SiLU: x * sigmoid(x) (VQ-VAE, AdaLN conditioning).
inline void silu_inplace(Tensor& t) {
  for (float& x : t.data) x = x / (1.0f + std::exp(-x));
}

// GELU, tanh approximation (VAR FFN, var.md §3.5): 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))).
inline float gelu_tanh(float x) {
  constexpr float kSqrt2OverPi = 0.7978845608028654f;
  return 0.5f * x * (1.0f + std::tanh(kSqrt2OverPi * (x + 0.044715f * x * x * x)));
}
inline void gelu_tanh_inplace(Tensor& t) {
  for (float& x : t.data) x = gelu_tanh(x);
}

// GELU, exact erf form (PyTorch nn.GELU() default; FlowAR MLPs).
inline float gelu_erf(float x) { return 0.5f * x * (1.0f + std::erf(x * 0.7071067811865476f)); }
inline void gelu_erf_inplace(Tensor& t) {
  for (float& x : t.data) x = gelu_erf(x);
}

}  // namespace vs::nn
