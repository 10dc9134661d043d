#include "core/attention/attention_rate.h"

#include <algorithm>
#include <chrono>
#include <random>

#include "core/attention/attention.h"
#include "core/attention/random_inputs.h"

namespace vs::attention {

double measure_exact_attention_gflops(int tokens, int head_dim, int repeats, int heads) {
  std::mt19937_64 rng(7);
  const Shape shape{heads, tokens, head_dim};
  const Tensor q = uniform_tensor(shape, 0.5, rng);
  const Tensor k = uniform_tensor(shape, 0.5, rng);
  const Tensor v = uniform_tensor(shape, 0.5, rng);
  const auto exact = make_variant("exact");
  double best_s = 1e300;
  for (int rep = 0; rep <= std::max(1, repeats); ++rep) {
    const auto start = std::chrono::steady_clock::now();
    exact->run(q, k, v, Structure::plain(), Options{});
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (rep > 0) best_s = std::min(best_s, s);
  }
  const double flops = 4.0 * double(tokens) * tokens * head_dim * heads;
  return flops / best_s * 1e-9;
}

}  // namespace vs::attention
