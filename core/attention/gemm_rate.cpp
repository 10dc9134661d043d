#include "core/attention/gemm_rate.h"

#include <algorithm>
#include <chrono>
#include <random>

#include "core/error.h"
#include "core/tensor.h"

namespace vs::attention {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void fill_uniform(Tensor& t, std::mt19937& rng, float bound) {
  std::uniform_real_distribution<float> dist(-bound, bound);
  for (float& x : t.data) x = dist(rng);
}

}  // namespace

double measure_gemm_gflops(int n, int repeats) {
  if (n < 1 || repeats < 1)
    throw Error("gemm rate: size and repeats must be >= 1, got " + std::to_string(n) + ", " +
                std::to_string(repeats));
  std::mt19937 rng(1);
  Tensor a({n, n}), b({n, n}), c({n, n});
  fill_uniform(a, rng, 1.0f);
  fill_uniform(b, rng, 1.0f);
  double best = 1e300;
  // One untimed warm-up run pages the buffers in and starts the thread team.
  for (int r = 0; r <= repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    as_matrix(c).noalias() = as_matrix(a) * as_matrix(b);
    if (r > 0) best = std::min(best, seconds_since(start));
  }
  return 2.0 * double(n) * n * n / best * 1e-9;
}

}  // namespace vs::attention
