// Which kernel multiplies by a bfloat16 weight. The best one this CPU has, unless forced:
//   amx:        AMX tiles (TDPBF16PS, 16×16 tiles of float32 sums), where the CPU has
//               AMX-BF16 and Linux grants the tile state; weights whose input size is a
//               multiple of 32 (others take the next kernel)
//   avx512bf16: AVX512_BF16's vdpbf16ps (gemm_bf16.h)
//   widen:      the float32 kernel on panels widened from bfloat16 as they are read
// The first two round the activations to bfloat16 as well; all sum in float32.
#pragma once
#include <cstdint>

namespace vs::nn {

enum class Bf16Kernel { kAuto, kWiden, kAvx512Bf16, kAmx };

// "auto", "widen", "avx512bf16", "amx".
const char* bf16_kernel_name(Bf16Kernel kernel);
// Whether `kernel` runs on this machine (kAuto and kWiden always do).
bool bf16_kernel_available(Bf16Kernel kernel);
// Forces one kernel (tests, comparisons); kAuto restores the choice. An unavailable kernel
// is a vs::Error. VARSCOPE_BF16_KERNEL=<name> in the environment forces it from the start.
void force_bf16_kernel(Bf16Kernel kernel);
// The kernel a weight of `in_features` inputs runs now (never kAuto).
Bf16Kernel bf16_kernel_for(int64_t in_features);
// Its name for a weight whose input size is a multiple of 32 (the models' layers).
const char* gemm_bf16_kernel_name();

}  // namespace vs::nn
