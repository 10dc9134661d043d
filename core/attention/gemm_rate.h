// This machine's float32 GEMM rate, for `varscope-cli bench gemm`: the yardstick the exact
// attention rate (attention_rate.h) is held against (issue target: attention >= 50% of it).
#pragma once

namespace vs::attention {

// Best-of-`repeats` GFLOP/s (2·n³ flops) of an n x n x n float32 Eigen GEMM, all threads.
double measure_gemm_gflops(int n, int repeats);

}  // namespace vs::attention
