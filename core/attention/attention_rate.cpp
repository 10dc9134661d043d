#include "core/attention/attention_rate.h"

#include <algorithm>
#include <chrono>
#include <random>

#include "core/attention/attention.h"

namespace vs::attention {

double measure_exact_attention_gflops(int tokens, int head_dim, int repeats, int heads) {
  std::mt19937_64 rng(7);
  auto random = [&](Shape shape) {
    Tensor t(std::move(shape));
    for (float& x : t.data) x = float(double(rng() >> 11) * 0x1.0p-53 - 0.5);
    return t;
  };
  const Tensor q = random({heads, tokens, head_dim});
  const Tensor k = random({heads, tokens, head_dim});
  const Tensor v = random({heads, tokens, head_dim});
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
