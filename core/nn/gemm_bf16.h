// The AVX512_BF16 kernel for bfloat16 weights: vdpbf16ps multiplies pairs of bfloat16 and
// adds both products to a float32 lane, 32 multiply-adds per instruction, from half the
// weight bytes. Compiled with a target attribute and chosen at run time (bf16_kernel.h),
// so a build for any x86-64 runs on CPUs without it.
#pragma once
#include <cstdint>

#include "core/nn/gemm.h"

namespace vs::nn {

// Whether this CPU runs AVX512_BF16 (and the OS saves AVX-512 state); checked once.
bool cpu_has_avx512_bf16();

// C (M × N, ldc) = bf16(A) (M × K, lda) · Wᵀ (+ bias) for a bfloat16 W, float32 sums.
// Only where cpu_has_avx512_bf16().
void gemm_bf16_dot(int64_t M, const float* A, int64_t lda, const PackedWeight& W, const float* bias, float* C,
                   int64_t ldc);

}  // namespace vs::nn
