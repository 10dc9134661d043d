#include "core/nn/gemm_bf16.h"

#include <omp.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/nn/gemm_split.h"
#include "core/parallel.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define VS_HAVE_BF16_KERNEL 1
// The kernel's own instruction set, whatever the rest of the build targets.
#define VS_BF16_TARGET __attribute__((target("avx512f,avx512bf16")))
#endif

namespace vs::nn {
namespace {

#ifdef VS_HAVE_BF16_KERNEL

// Register tile: kMr rows × 32 columns, 28 of the 32 vector registers as accumulators.
constexpr int kMr = 14;
constexpr int64_t kNr = kBf16PanelWidth;
static_assert(kNr == 32, "the micro-kernel holds two vectors of 16 lanes per row");
// Cache blocking: a kKp-pair panel of the weight (32 KiB) stays in L1 while the
// kMc × kKp block of A (336 KiB) stays in L2.
constexpr int64_t kKp = 256;
constexpr int64_t kMc = kMr * 24;

// Rows [r0, r0 + rows) × pairs [pc, pc + kp) of row-major float32 A, rounded to
// bfloat16 (nearest, ties to even), into micro-panels of kMr rows, each pair-major
// (kp × kMr words, a word = one row's pair of k), zero-padded to whole panels and past K.
VS_BF16_TARGET void pack_a(const float* A, int64_t lda, int64_t r0, int64_t rows, int64_t pc, int64_t kp, int64_t K,
                           uint32_t* out) {
  alignas(64) uint32_t words[16];
  for (int64_t p0 = 0; p0 < rows; p0 += kMr) {
    uint32_t* panel = out + p0 * kp;
    const int64_t valid = std::min<int64_t>(kMr, rows - p0);
    for (int64_t i = 0; i < kMr; ++i) {
      if (i >= valid) {
        for (int64_t q = 0; q < kp; ++q) panel[q * kMr + i] = 0;
        continue;
      }
      const float* src = A + (r0 + p0 + i) * lda;
      for (int64_t q = 0; q < kp; q += 16) {
        const int64_t k = 2 * (pc + q);
        const int64_t n = std::max<int64_t>(0, std::min<int64_t>(32, K - k));
        const __mmask16 lo = n >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << n) - 1u);
        const __mmask16 hi = n >= 32 ? __mmask16(0xFFFF) : n > 16 ? __mmask16((1u << (n - 16)) - 1u) : __mmask16(0);
        const __m512 v_lo = _mm512_maskz_loadu_ps(lo, src + k), v_hi = _mm512_maskz_loadu_ps(hi, src + k + 16);
        // Lanes 0..15 of the result come from the second operand.
        _mm512_store_si512(words, reinterpret_cast<__m512i>(_mm512_cvtne2ps_pbh(v_hi, v_lo)));
        const int64_t count = std::min<int64_t>(16, kp - q);
        for (int64_t j = 0; j < count; ++j) panel[(q + j) * kMr + i] = words[j];
      }
    }
  }
}

inline VS_BF16_TARGET __mmask16 lane_mask(int valid) {
  return valid >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << std::max(valid, 0)) - 1u);
}

// R rows: c (R × nr of 32) = / += a · b (+ bias). a: one packed micro-panel (kp × kMr
// words); b: kp rows of 32 column pairs (one weight panel's rows [pc, pc + kp)).
template <int R>
VS_BF16_TARGET void micro_kernel(int64_t kp, const uint32_t* a, const uint16_t* b, float* c, int64_t ldc, int nr,
                                 bool accumulate, const float* bias) {
  __m512 c0[R], c1[R];
#pragma GCC unroll 16
  for (int i = 0; i < R; ++i) c0[i] = c1[i] = _mm512_setzero_ps();
  for (int64_t p = 0; p < kp; ++p) {
    const __m512bh b0 = reinterpret_cast<__m512bh>(_mm512_load_si512(b));
    const __m512bh b1 = reinterpret_cast<__m512bh>(_mm512_load_si512(b + 32));
#pragma GCC unroll 16
    for (int i = 0; i < R; ++i) {
      const __m512bh ai = reinterpret_cast<__m512bh>(_mm512_set1_epi32(int(a[i])));
      c0[i] = _mm512_dpbf16_ps(c0[i], ai, b0);
      c1[i] = _mm512_dpbf16_ps(c1[i], ai, b1);
    }
    a += kMr;
    b += 2 * kNr;
  }
  const __mmask16 m0 = lane_mask(nr), m1 = lane_mask(nr - 16);
#pragma GCC unroll 16
  for (int i = 0; i < R; ++i) {
    float* row = c + i * ldc;
    __m512 v0 = c0[i], v1 = c1[i];
    if (bias) {
      v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(m0, bias));
      v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(m1, bias + 16));
    }
    if (accumulate) {
      v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(m0, row));
      v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(m1, row + 16));
    }
    _mm512_mask_storeu_ps(row, m0, v0);
    _mm512_mask_storeu_ps(row + 16, m1, v1);
  }
}

// The kernel for `rows` (1..kMr) rows.
template <int R = kMr>
VS_BF16_TARGET void micro_kernel_rows(int rows, int64_t kp, const uint32_t* a, const uint16_t* b, float* c,
                                      int64_t ldc, int nr, bool accumulate, const float* bias) {
  if constexpr (R > 1) {
    if (rows < R) return micro_kernel_rows<R - 1>(rows, kp, a, b, c, ldc, nr, accumulate, bias);
  }
  micro_kernel<R>(kp, a, b, c, ldc, nr, accumulate, bias);
}

// Per-thread packed A block (kMc × kKp words), kept for the thread's life.
uint32_t* a_scratch() {
  static thread_local std::vector<uint32_t> words(size_t(kMc * kKp));
  return words.data();
}

// Rows [m0, m1) × columns [n0, n1) of C (n0 a multiple of 32), on the calling thread.
VS_BF16_TARGET void gemm_block(int64_t m0, int64_t m1, int64_t n0, int64_t n1, const float* A, int64_t lda,
                               const PackedWeight& W, const float* bias, float* C, int64_t ldc) {
  const int64_t K = W.in_features(), pairs = W.bf16_pairs();
  uint32_t* a = a_scratch();
  for (int64_t pc = 0; pc < pairs; pc += kKp) {
    const int64_t kp = std::min(kKp, pairs - pc);
    const bool first = pc == 0;
    for (int64_t ic = m0; ic < m1; ic += kMc) {
      const int64_t mc = std::min(kMc, m1 - ic);
      pack_a(A, lda, ic, mc, pc, kp, K, a);
      for (int64_t j0 = n0; j0 < n1; j0 += kNr) {
        const int nr = int(std::min<int64_t>(kNr, n1 - j0));
        const uint16_t* b = W.bf16_panel(j0) + pc * 2 * kNr;
        const float* bias_j = first && bias ? bias + j0 : nullptr;
        for (int64_t ir = 0; ir < mc; ir += kMr)
          micro_kernel_rows(int(std::min<int64_t>(kMr, mc - ir)), kp, a + ir * kp, b, C + (ic + ir) * ldc + j0, ldc,
                            nr, !first, bias_j);
      }
    }
  }
}

#endif  // VS_HAVE_BF16_KERNEL

}  // namespace

bool cpu_has_avx512_bf16() {
#ifdef VS_HAVE_BF16_KERNEL
  static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bf16");
  return has;
#else
  return false;
#endif
}

void gemm_bf16_dot(int64_t M, const float* A, int64_t lda, const PackedWeight& W, const float* bias, float* C,
                   int64_t ldc) {
#ifdef VS_HAVE_BF16_KERNEL
  if (!cpu_has_avx512_bf16()) throw Error("gemm: this CPU has no AVX512_BF16 for the bfloat16 kernel");
  if (W.precision() != WeightPrecision::kBf16) throw Error("gemm: the bfloat16 kernel needs a bfloat16 weight");
  const int64_t N = W.out_features(), K = W.in_features();
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) C[i * ldc + j] = bias ? bias[j] : 0.0f;
    return;
  }
  split_gemm("gemm (bfloat16)", M, N, K, kMr, kMr * 4, kNr, [&](int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
    gemm_block(m0, m1, n0, n1, A, lda, W, bias, C, ldc);
  });
#else
  throw Error("gemm: this build has no AVX512_BF16 kernel");
#endif
}

}  // namespace vs::nn
