#include "core/timing_protocol.h"

#include <omp.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/error.h"

namespace vs {

int calibrated_repeats(double one_call_ms, double min_sample_ms, int max_repeats) {
  const int most = std::max(1, max_repeats);
  if (!(one_call_ms > 0)) return most;  // too fast for the clock to see
  const double needed = std::ceil(min_sample_ms / one_call_ms);
  return needed >= most ? most : std::max(1, int(needed));
}

const char* timing_clock_name(TimingClock clock) { return clock == TimingClock::kCpu ? "cpu" : "wall"; }

TimingClock parse_timing_clock(const std::string& text) {
  if (text == "wall") return TimingClock::kWall;
  if (text == "cpu") return TimingClock::kCpu;
  throw Error("timing clock '" + text + "': expected wall or cpu");
}

Timing time_call(const std::function<void()>& call, const TimingProtocol& protocol,
                 const std::function<double()>& wall_now_ms, const std::function<double()>& cpu_now_ms) {
  if (protocol.samples < 1) throw Error("timing: samples must be >= 1, got " + std::to_string(protocol.samples));
  if (!(protocol.min_sample_ms >= 0))
    throw Error("timing: minimum sample length must be >= 0 ms");
  const std::function<double()> now = wall_now_ms ? wall_now_ms : [] {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
  };
  const std::function<double()> cpu_now = cpu_now_ms ? cpu_now_ms : [] {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) * 1e-6;
  };
  Timing timing;
  timing.clock = protocol.clock;
  timing.threads = omp_get_max_threads();
  // Warm-up: pages the buffers in, starts the thread team, and gives the calibration its
  // first estimate. A call too fast to estimate alone is repeated until the batch is.
  double start = now();
  call();
  double one_call_ms = now() - start;
  int batch = 1;
  while (one_call_ms * batch < 0.1 * protocol.min_sample_ms && batch < protocol.max_repeats) {
    batch = std::min(protocol.max_repeats, batch * 4);
    start = now();
    for (int i = 0; i < batch; ++i) call();
    one_call_ms = (now() - start) / batch;
  }
  timing.repeats = calibrated_repeats(one_call_ms, protocol.min_sample_ms, protocol.max_repeats);
  std::vector<double> wall_ms, cpu_ms;  // per call, one per sample
  for (int s = 0; s < protocol.samples; ++s) {
    start = now();
    const double cpu_start = cpu_now();
    for (int i = 0; i < timing.repeats; ++i) call();
    cpu_ms.push_back((cpu_now() - cpu_start) / timing.repeats);
    wall_ms.push_back((now() - start) / timing.repeats);
  }
  std::sort(wall_ms.begin(), wall_ms.end());
  std::sort(cpu_ms.begin(), cpu_ms.end());
  timing.wall_min_ms = wall_ms.front();
  timing.cpu_min_ms = cpu_ms.front();
  const std::vector<double>& per_call_ms = protocol.clock == TimingClock::kCpu ? cpu_ms : wall_ms;
  timing.samples = int(per_call_ms.size());
  timing.min_ms = per_call_ms.front();
  const size_t n = per_call_ms.size();
  timing.median_ms = n % 2 ? per_call_ms[n / 2] : 0.5 * (per_call_ms[n / 2 - 1] + per_call_ms[n / 2]);
  timing.spread = timing.min_ms > 0 ? (per_call_ms.back() - timing.min_ms) / timing.min_ms : 0;
  return timing;
}

std::string describe_timing_protocol(const TimingProtocol& protocol, int threads) {
  char text[200];
  std::snprintf(text, sizeof text, "min of %d samples, each >= %g ms of repeated calls after one warm-up, %d thread%s, %s",
                protocol.samples, protocol.min_sample_ms, threads, threads == 1 ? "" : "s",
                protocol.clock == TimingClock::kCpu ? "process CPU time (all threads)" : "wall clock");
  return text;
}

}  // namespace vs
