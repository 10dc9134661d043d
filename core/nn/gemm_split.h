// How the bfloat16 GEMM kernels (AMX, AVX512_BF16) share one product among OpenMP threads:
// one thread for small products; by rows when there are enough of them (each thread then
// reads all of W once per row block), else by column panels. block(m0, m1, n0, n1) computes
// C[m0:m1, n0:n1]; an exception in a thread becomes one vs::Error naming `what`.
#pragma once
#include <omp.h>

#include <algorithm>
#include <cstdint>

#include "core/parallel.h"

namespace vs::nn {

// row_step: rows per kernel block (a thread's share is a multiple of it); rows_per_thread:
// the rows each thread needs before splitting by rows pays; panel: columns per panel.
template <class Block>
void split_gemm(const char* what, int64_t M, int64_t N, int64_t K, int64_t row_step, int64_t rows_per_thread,
                int64_t panel, Block&& block) {
  int threads = omp_in_parallel() ? 1 : omp_get_max_threads();
  if (2.0 * double(M) * double(N) * double(K) < 4e6) threads = 1;
  if (threads <= 1) {
    block(int64_t(0), M, int64_t(0), N);
    return;
  }
  const int64_t panels = (N + panel - 1) / panel;
  const bool by_rows = M >= int64_t(threads) * rows_per_thread;
  ParallelErrors errors(what);
#pragma omp parallel num_threads(threads)
  errors.run([&] {
    const int64_t t = omp_get_thread_num(), nt = omp_get_num_threads();
    if (by_rows) {
      const int64_t per = ((M + nt - 1) / nt + row_step - 1) / row_step * row_step;
      const int64_t m0 = std::min(M, t * per), m1 = std::min(M, m0 + per);
      if (m1 > m0) block(m0, m1, int64_t(0), N);
    } else {
      const int64_t per = (panels + nt - 1) / nt;
      const int64_t n0 = std::min(N, t * per * panel), n1 = std::min(N, n0 + per * panel);
      if (n1 > n0) block(int64_t(0), M, n0, n1);
    }
  });
  errors.rethrow_if_failed();
}

}  // namespace vs::nn
