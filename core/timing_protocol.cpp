#include "core/timing_protocol.h"

#include <omp.h>

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

Timing time_call(const std::function<void()>& call, const TimingProtocol& protocol,
                 const std::function<double()>& now_ms) {
  if (protocol.samples < 1) throw Error("timing: samples must be >= 1, got " + std::to_string(protocol.samples));
  if (!(protocol.min_sample_ms >= 0))
    throw Error("timing: minimum sample length must be >= 0 ms");
  const std::function<double()> now = now_ms ? now_ms : [] {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
  };
  Timing timing;
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
  std::vector<double> per_call_ms;
  for (int s = 0; s < protocol.samples; ++s) {
    start = now();
    for (int i = 0; i < timing.repeats; ++i) call();
    per_call_ms.push_back((now() - start) / timing.repeats);
  }
  std::sort(per_call_ms.begin(), per_call_ms.end());
  timing.samples = int(per_call_ms.size());
  timing.min_ms = per_call_ms.front();
  const size_t n = per_call_ms.size();
  timing.median_ms = n % 2 ? per_call_ms[n / 2] : 0.5 * (per_call_ms[n / 2 - 1] + per_call_ms[n / 2]);
  timing.spread = timing.min_ms > 0 ? (per_call_ms.back() - timing.min_ms) / timing.min_ms : 0;
  return timing;
}

std::string describe_timing_protocol(const TimingProtocol& protocol, int threads) {
  char text[160];
  std::snprintf(text, sizeof text, "min of %d samples, each >= %g ms of repeated calls after one warm-up, %d thread%s",
                protocol.samples, protocol.min_sample_ms, threads, threads == 1 ? "" : "s");
  return text;
}

}  // namespace vs
