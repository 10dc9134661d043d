#include "core/nn/gemm_rate.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/nn/gemm.h"

namespace vs::nn {

double measure_packed_gemm_gflops(int64_t M, int64_t N, int64_t K, int repeats) {
  if (M < 1 || N < 1 || K < 1 || repeats < 1)
    throw Error("gemm rate: sizes and repeats must be >= 1, got " + std::to_string(M) + "x" +
                std::to_string(N) + "x" + std::to_string(K) + ", " + std::to_string(repeats));
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> a(size_t(M * K)), w(size_t(N * K)), c(size_t(M * N));
  for (float& x : a) x = dist(rng);
  for (float& x : w) x = dist(rng);
  const PackedWeight packed(w.data(), N, K);
  double best = 1e300;
  for (int r = 0; r <= repeats; ++r) {  // run 0 warms the caches and the thread team
    const auto start = std::chrono::steady_clock::now();
    gemm_packed(M, a.data(), K, packed, nullptr, c.data(), N);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (r > 0) best = std::min(best, s);
  }
  return 2.0 * double(M) * double(N) * double(K) / best * 1e-9;
}

}  // namespace vs::nn
