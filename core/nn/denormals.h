// Flush-to-zero / denormals-are-zero for every compute thread. Sampling drives many
// activations towards zero; on x86 each denormal operand costs ~100 cycles, which made
// the reference's FlowAR-L sampling 4x slower (issue 3, "Speed and memory"). The MXCSR
// bits are per thread, so they must be set on the caller and on each OpenMP worker.
#pragma once

namespace vs::nn {

// Sets FTZ and DAZ on the calling thread and, inside an `omp parallel` region, on every
// thread of OpenMP's pool (the pool is reused, so the setting sticks). No-op off x86.
void flush_denormals_on_all_threads();

// Whether FTZ and DAZ are both set on the calling thread (tests, diagnostics).
bool denormals_flushed_on_this_thread();

}  // namespace vs::nn
