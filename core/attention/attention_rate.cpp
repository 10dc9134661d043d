#include "core/attention/attention_rate.h"

#include <algorithm>
#include <random>

#include "core/attention/attention.h"
#include "core/attention/random_inputs.h"
#include "core/timing_protocol.h"

namespace vs::attention {

double measure_exact_attention_gflops(int tokens, int head_dim, int samples, int heads) {
  std::mt19937_64 rng(7);
  const Shape shape{heads, tokens, head_dim};
  const Tensor q = uniform_tensor(shape, 0.5, rng);
  const Tensor k = uniform_tensor(shape, 0.5, rng);
  const Tensor v = uniform_tensor(shape, 0.5, rng);
  const auto exact = make_variant("exact");
  TimingProtocol protocol;
  protocol.samples = std::max(1, samples);
  const Timing timing = time_call([&] { exact->run(q, k, v, Structure::plain(), Options{}); }, protocol);
  const double flops = 4.0 * double(tokens) * tokens * head_dim * heads;
  return flops / (timing.min_ms * 1e-3) * 1e-9;
}

}  // namespace vs::attention
