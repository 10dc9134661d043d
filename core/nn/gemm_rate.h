// How fast this build's model GEMM (nn::gemm_packed) runs here: products M × K by a packed
// (N, K) weight timed under the timing protocol (core/timing_protocol.h) with `samples`
// samples, in GFLOP/s (2·M·N·K per product) from the fastest sample.
#pragma once
#include <cstdint>

namespace vs::nn {

double measure_packed_gemm_gflops(int64_t M, int64_t N, int64_t K, int samples);

}  // namespace vs::nn
