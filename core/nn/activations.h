// Elementwise activations, in place, as the reference modules compute them.
// The functions are written as straight-line float arithmetic (no libm calls) so that the
// compiler vectorises the loops: libm's tanhf / erff / expf per element were 8% of a VAR
// generation. Their error is a few float ulps (absolute ≤ 4e-7 · |x| for the GELUs).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "core/tensor.h"

namespace vs::nn {

// e^x, relative error ≤ 2 ulp on [-87, 88] (inputs are clamped there): Cody–Waite
// reduction x = n·ln2 + r, then a degree-6 polynomial for e^r (Cephes' expf) times 2^n.
inline float exp_fast(float x) {
  x = std::min(std::max(x, -87.0f), 88.0f);
  // n = round(x / ln 2) by the 1.5·2^23 trick (std::floor would keep the loop scalar).
  const float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  const float r = (x - n * 0.693359375f) + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const float scale = __builtin_bit_cast(float, (static_cast<int32_t>(n) + 127) << 23);  // 2^n
  return p * scale;
}

// SiLU: x * sigmoid(x) (VQ-VAE, AdaLN conditioning).
inline float silu(float x) { return x / (1.0f + exp_fast(-x)); }
void silu_inplace(Tensor& t);

// tanh(u) = sign(u)·(1 − e^(−2|u|)) / (1 + e^(−2|u|)).
inline float tanh_fast(float u) {
  const float e = exp_fast(-2.0f * std::abs(u));
  return std::copysign((1.0f - e) / (1.0f + e), u);
}

// GELU, tanh approximation (VAR FFN, var.md §3.5): 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))).
inline float gelu_tanh(float x) {
  constexpr float kSqrt2OverPi = 0.7978845608028654f;
  return 0.5f * x * (1.0f + tanh_fast(kSqrt2OverPi * (x + 0.044715f * x * x * x)));
}
void gelu_tanh_inplace(Tensor& t);

// erf(x), absolute error ≤ 4e-7 in float (1.5e-7 exact): Abramowitz & Stegun 7.1.26 on |x|.
inline float erf_fast(float x) {
  const float a = std::abs(x);
  const float t = 1.0f / (1.0f + 0.3275911f * a);
  float p = 1.061405429f;
  p = p * t - 1.453152027f;
  p = p * t + 1.421413741f;
  p = p * t - 0.284496736f;
  p = p * t + 0.254829592f;
  return std::copysign(1.0f - p * t * exp_fast(-a * a), x);
}

// GELU, exact erf form (PyTorch nn.GELU() default; FlowAR MLPs).
inline float gelu_erf(float x) { return 0.5f * x * (1.0f + erf_fast(x * 0.7071067811865476f)); }
void gelu_erf_inplace(Tensor& t);

}  // namespace vs::nn
