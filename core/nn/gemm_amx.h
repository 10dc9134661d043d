// The AMX kernel for bfloat16 weights: TDPBF16PS multiplies a 16×32 bfloat16 tile of the
// activations by a 32×16 tile of the weight (already in its pair layout, PackedWeight's
// bfloat16 panels) into 16×16 float32 sums, 16 384 multiply-adds per instruction. Sapphire
// Rapids and later; compiled with a target attribute and chosen at run time (bf16_kernel.h).
#pragma once
#include <cstdint>

#include "core/nn/gemm.h"

namespace vs::nn {

// Inputs per AMX step: a weight's in_features must be a multiple of this.
constexpr int64_t kAmxStep = 32;

// Whether this CPU has AMX-BF16 and Linux granted this process the tile state (asked
// once, with arch_prctl).
bool amx_bf16_usable();

// C (M × N, ldc) = bf16(A) (M × K, lda) · Wᵀ (+ bias) for a bfloat16 W with K a multiple
// of kAmxStep, float32 sums. Only where amx_bf16_usable().
void gemm_bf16_amx(int64_t M, const float* A, int64_t lda, const PackedWeight& W, const float* bias, float* C,
                   int64_t ldc);

}  // namespace vs::nn
