// How fast this build's model GEMM (nn::gemm_packed) runs here: best of `repeats` timed
// products M × K by a packed (N, K) weight, in GFLOP/s (2·M·N·K per product).
#pragma once
#include <cstdint>

namespace vs::nn {

double measure_packed_gemm_gflops(int64_t M, int64_t N, int64_t K, int repeats);

}  // namespace vs::nn
