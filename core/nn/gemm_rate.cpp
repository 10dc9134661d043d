#include "core/nn/gemm_rate.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/nn/gemm.h"
#include "core/timing_protocol.h"

namespace vs::nn {

double measure_packed_gemm_gflops(int64_t M, int64_t N, int64_t K, int samples) {
  if (M < 1 || N < 1 || K < 1 || samples < 1)
    throw Error("gemm rate: sizes and repeats must be >= 1, got " + std::to_string(M) + "x" +
                std::to_string(N) + "x" + std::to_string(K) + ", " + std::to_string(samples));
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> a(size_t(M * K)), w(size_t(N * K)), c(size_t(M * N));
  for (float& x : a) x = dist(rng);
  for (float& x : w) x = dist(rng);
  const PackedWeight packed(w.data(), N, K);
  TimingProtocol protocol;
  protocol.samples = samples;
  const Timing timing = time_call([&] { gemm_packed(M, a.data(), K, packed, nullptr, c.data(), N); }, protocol);
  return 2.0 * double(M) * double(N) * double(K) / (timing.min_ms * 1e-3) * 1e-9;
}

}  // namespace vs::nn
