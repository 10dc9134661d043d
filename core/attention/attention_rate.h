// GFLOP/s of exact attention on random inputs, counting 4·L²·d flops per head (QKᵀ and
// PV, unmasked), timed under the timing protocol (core/timing_protocol.h): compared with the GEMM rate by `varscope-cli bench gemm`.
#pragma once

namespace vs::attention {

double measure_exact_attention_gflops(int tokens, int head_dim, int samples, int heads = 1);

}  // namespace vs::attention
