#include "core/attention/gemm_rate.h"

#include <algorithm>
#include <random>

#include "core/error.h"
#include "core/tensor.h"
#include "core/timing_protocol.h"

namespace vs::attention {
namespace {

void fill_uniform(Tensor& t, std::mt19937& rng, float bound) {
  std::uniform_real_distribution<float> dist(-bound, bound);
  for (float& x : t.data) x = dist(rng);
}

}  // namespace

double measure_gemm_gflops(int n, int samples, TimingClock clock) {
  if (n < 1 || samples < 1)
    throw Error("gemm rate: size and samples must be >= 1, got " + std::to_string(n) + ", " +
                std::to_string(samples));
  std::mt19937 rng(1);
  Tensor a({n, n}), b({n, n}), c({n, n});
  fill_uniform(a, rng, 1.0f);
  fill_uniform(b, rng, 1.0f);
  TimingProtocol protocol;
  protocol.samples = samples;
  protocol.clock = clock;
  const Timing timing = time_call([&] { as_matrix(c).noalias() = as_matrix(a) * as_matrix(b); }, protocol);
  return 2.0 * double(n) * n * n / (timing.min_ms * 1e-3) * 1e-9;
}

}  // namespace vs::attention
