// The one timing protocol of every VARScope benchmark (bench attention, bench gemm, the
// explorer's runtime-scaling panel): an untimed warm-up call, then a repeat count
// calibrated so that each timed sample lasts at least min_sample_ms (a 0.2 ms call timed
// alone is mostly clock and scheduler noise), then `samples` samples. The minimum per-call
// time is the estimate (noise on a shared machine only ever adds time); the spread says
// how much the samples disagreed. The thread count is recorded with the timing.
#pragma once
#include <functional>
#include <string>

namespace vs {

struct TimingProtocol {
  double min_sample_ms = 20;  // each sample runs the call `repeats` times, lasting at least this
  int samples = 5;
  int max_repeats = 1 << 20;
};

struct Timing {
  double min_ms = 0;     // per call: the fastest sample divided by its repeat count
  double median_ms = 0;  // per call, median sample
  double spread = 0;     // (slowest − fastest) / fastest sample
  int repeats = 1;       // calls per sample
  int samples = 0;
  int threads = 1;  // OpenMP threads available to the call
};

// Calls per sample so that a sample of calls lasting one_call_ms each lasts at least
// min_sample_ms: ceil(min_sample_ms / one_call_ms), at least 1, at most max_repeats.
int calibrated_repeats(double one_call_ms, double min_sample_ms, int max_repeats);

// Times `call` under the protocol. `now_ms` (a monotonic clock in ms) is injectable so the
// calibration can be tested without timing anything; by default std::chrono::steady_clock.
// Throws vs::Error on a protocol with samples < 1 or min_sample_ms < 0.
Timing time_call(const std::function<void()>& call, const TimingProtocol& protocol = {},
                 const std::function<double()>& now_ms = {});

// "min of 5 samples, each >= 20 ms of repeated calls after one warm-up, 2 threads"
std::string describe_timing_protocol(const TimingProtocol& protocol, int threads);

}  // namespace vs
