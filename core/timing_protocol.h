// The one timing protocol of every VARScope benchmark (bench attention, bench gemm, the
// explorer's runtime-scaling panel): an untimed warm-up call, then a repeat count
// calibrated so that each timed sample lasts at least min_sample_ms (a 0.2 ms call timed
// alone is mostly clock and scheduler noise), then `samples` samples. The minimum per-call
// time is the estimate (noise on a shared machine only ever adds time); the spread says
// how much the samples disagreed. The thread count is recorded with the timing.
//
// The clock: wall time by default; on cores shared with other processes the wall time of
// every sample is inflated by however much of the core the others took, differently from
// sample to sample, and no minimum removes a load that lasts the whole run. The process's
// CPU time (all its threads) counts only the work done, so `clock = kCpu` keeps slopes
// measurable on a busy machine; both are always recorded.
#pragma once
#include <functional>
#include <string>

namespace vs {

enum class TimingClock { kWall, kCpu };

struct TimingProtocol {
  double min_sample_ms = 20;  // each sample runs the call `repeats` times, lasting at least this (wall)
  int samples = 5;
  int max_repeats = 1 << 20;
  TimingClock clock = TimingClock::kWall;  // which clock min_ms, median_ms and spread read
};

struct Timing {
  TimingClock clock = TimingClock::kWall;
  double min_ms = 0;     // per call: the fastest sample divided by its repeat count
  double median_ms = 0;  // per call, median sample
  double spread = 0;     // (slowest − fastest) / fastest sample
  double wall_min_ms = 0, cpu_min_ms = 0;  // the minimum on each clock
  int repeats = 1;       // calls per sample
  int samples = 0;
  int threads = 1;  // OpenMP threads available to the call
};

// "wall" | "cpu"; parse_timing_clock throws vs::Error naming the text.
const char* timing_clock_name(TimingClock clock);
TimingClock parse_timing_clock(const std::string& text);

// Calls per sample so that a sample of calls lasting one_call_ms each lasts at least
// min_sample_ms: ceil(min_sample_ms / one_call_ms), at least 1, at most max_repeats.
int calibrated_repeats(double one_call_ms, double min_sample_ms, int max_repeats);

// Times `call` under the protocol. The clocks (ms) are injectable so the calibration can be
// tested without timing anything; by default std::chrono::steady_clock and the process's
// CPU time (CLOCK_PROCESS_CPUTIME_ID). Throws vs::Error on a protocol with samples < 1 or
// min_sample_ms < 0.
Timing time_call(const std::function<void()>& call, const TimingProtocol& protocol = {},
                 const std::function<double()>& wall_now_ms = {}, const std::function<double()>& cpu_now_ms = {});

// "min of 5 samples, each >= 20 ms of repeated calls after one warm-up, 2 threads, wall clock"
std::string describe_timing_protocol(const TimingProtocol& protocol, int threads);

}  // namespace vs
