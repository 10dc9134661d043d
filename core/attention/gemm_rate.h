// This machine's float32 GEMM rate, for `varscope-cli bench gemm`: the yardstick the exact
// attention rate (attention_rate.h) is held against (issue target: attention >= 50% of it).
#pragma once
#include "core/timing_protocol.h"

namespace vs::attention {

// GFLOP/s (2·n³ flops) of an n x n x n float32 Eigen GEMM on all threads, from the fastest
// of `samples` samples of the timing protocol (core/timing_protocol.h) on `clock` (per
// CPU-second of all threads with TimingClock::kCpu).
double measure_gemm_gflops(int n, int samples, TimingClock clock = TimingClock::kWall);

}  // namespace vs::attention
