#include "core/nn/gemm.h"

#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#endif

#include "core/error.h"
#include "core/io/half.h"
#include "core/nn/bf16_kernel.h"
#include "core/nn/gemm_amx.h"
#include "core/nn/gemm_bf16.h"
#include "core/parallel.h"

namespace vs::nn {
namespace {

// Register tile: kMr rows of A (broadcast) × kNr columns of B (vectors). 14 × 32 uses 28 of
// AVX-512's 32 registers for accumulators; 6 × 16 uses 12 of AVX2's 16.
#if defined(__AVX512F__)
constexpr int kMr = 14, kNr = 32;
constexpr const char* kKernelName = "avx512";
#elif defined(__AVX2__) && defined(__FMA__)
constexpr int kMr = 6, kNr = 16;
constexpr const char* kKernelName = "avx2";
#else
constexpr int kMr = 4, kNr = 16;
constexpr const char* kKernelName = "portable";
#endif
// Cache blocking: a kKc × kNr panel of B (32 KiB for AVX-512) stays in L1 while the
// kMc × kKc block of packed A (336 KiB for AVX-512) stays in L2.
constexpr int64_t kKc = 256;
constexpr int64_t kMc = kMr * 24;

void* allocate_aligned_bytes(size_t size) {
  const size_t bytes = std::max<size_t>(64, ((size + 63) / 64) * 64);
  void* p = std::aligned_alloc(64, bytes);
  if (!p) throw Error("gemm: out of memory (" + std::to_string(bytes) + " bytes)");
  return p;
}
float* allocate_aligned(int64_t floats) {
  return static_cast<float*>(allocate_aligned_bytes(size_t(floats) * sizeof(float)));
}

// Per-thread scratch, grown on demand and kept for the thread's life.
struct Scratch {
  float* a = nullptr;  // packed A block: kMc × kKc
  float* b = nullptr;  // one B panel: kKc × kNr
  Scratch() : a(allocate_aligned(kMc * kKc)), b(allocate_aligned(kKc * kNr)) {}
  ~Scratch() {
    std::free(a);
    std::free(b);
  }
};
Scratch& scratch() {
  static thread_local Scratch s;
  return s;
}

// Rows [r0, r0 + rows) × columns [pc, pc + kc) of row-major A into micro-panels of kMr
// rows, each k-major (kc × kMr), zero-padded to whole panels.
void pack_a(const float* A, int64_t lda, int64_t r0, int64_t rows, int64_t pc, int64_t kc, float* out) {
  for (int64_t p0 = 0; p0 < rows; p0 += kMr) {
    float* panel = out + p0 * kc;
    const int64_t valid = std::min<int64_t>(kMr, rows - p0);
    for (int64_t i = 0; i < kMr; ++i) {
      if (i < valid) {
        const float* src = A + (r0 + p0 + i) * lda + pc;
        for (int64_t k = 0; k < kc; ++k) panel[k * kMr + i] = src[k];
      } else {
        for (int64_t k = 0; k < kc; ++k) panel[k * kMr + i] = 0.0f;
      }
    }
  }
}

// ---- micro-kernel: c (mr × nr valid of R × kNr) = / += A rows · B panel (+ bias) ----
// One vector type per build; kNr = 2 vectors. A is either packed (k-major, kMr per k) or
// read in place (row-major, for a few rows: packing would cost more than it saves).

#if defined(__AVX512F__)
using Vec = __m512;
constexpr int kLanes = 16;
inline Vec vzero() { return _mm512_setzero_ps(); }
inline Vec vload(const float* p) { return _mm512_load_ps(p); }
inline Vec vbroadcast(const float* p) { return _mm512_set1_ps(*p); }
inline Vec vfma(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
inline __mmask16 lane_mask(int valid) {
  return valid >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << std::max(valid, 0)) - 1u);
}
// row[0, nr) = / += v0|v1 + bias.
inline void store_row(float* row, Vec v0, Vec v1, int nr, bool accumulate, const float* bias) {
  const __mmask16 m0 = lane_mask(nr), m1 = lane_mask(nr - 16);
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
#elif defined(__AVX2__) && defined(__FMA__)
using Vec = __m256;
constexpr int kLanes = 8;
inline Vec vzero() { return _mm256_setzero_ps(); }
inline Vec vload(const float* p) { return _mm256_load_ps(p); }
inline Vec vbroadcast(const float* p) { return _mm256_broadcast_ss(p); }
inline Vec vfma(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
inline void store_row(float* row, Vec v0, Vec v1, int nr, bool accumulate, const float* bias) {
  alignas(32) float tile[kNr];
  _mm256_store_ps(tile, v0);
  _mm256_store_ps(tile + 8, v1);
  for (int j = 0; j < nr; ++j) {
    const float v = tile[j] + (bias ? bias[j] : 0.0f);
    row[j] = accumulate ? row[j] + v : v;
  }
}
#else
constexpr int kLanes = 8;
struct Vec {
  float x[kLanes];
};
inline Vec vzero() { return Vec{}; }
inline Vec vload(const float* p) {
  Vec v;
  std::memcpy(v.x, p, sizeof v.x);
  return v;
}
inline Vec vbroadcast(const float* p) {
  Vec v;
  for (float& x : v.x) x = *p;
  return v;
}
inline Vec vfma(Vec a, Vec b, Vec c) {
  for (int l = 0; l < kLanes; ++l) c.x[l] += a.x[l] * b.x[l];
  return c;
}
inline void store_row(float* row, Vec v0, Vec v1, int nr, bool accumulate, const float* bias) {
  for (int j = 0; j < nr; ++j) {
    const float v = (j < kLanes ? v0.x[j] : v1.x[j - kLanes]) + (bias ? bias[j] : 0.0f);
    row[j] = accumulate ? row[j] + v : v;
  }
}
#endif
static_assert(kNr == 2 * kLanes, "the micro-kernel holds two vectors per row");

// R rows: a + i·a_row + k·a_k addresses A[i][k] (packed: a_row 1, a_k kMr; in place: lda, 1).
template <int R>
void micro_kernel(int64_t kc, const float* a, int64_t a_row, int64_t a_k, const float* b, float* c,
                  int64_t ldc, int nr, bool accumulate, const float* bias) {
  Vec c0[R], c1[R];
#pragma GCC unroll 16
  for (int i = 0; i < R; ++i) c0[i] = c1[i] = vzero();
  for (int64_t k = 0; k < kc; ++k) {
    const Vec b0 = vload(b), b1 = vload(b + kLanes);
#pragma GCC unroll 16
    for (int i = 0; i < R; ++i) {
      const Vec ai = vbroadcast(a + i * a_row);
      c0[i] = vfma(ai, b0, c0[i]);
      c1[i] = vfma(ai, b1, c1[i]);
    }
    a += a_k;
    b += kNr;
  }
#pragma GCC unroll 16
  for (int i = 0; i < R; ++i) store_row(c + i * ldc, c0[i], c1[i], nr, accumulate, bias);
}

// The kernel for `rows` (1..kMr) rows.
template <int R = kMr>
void micro_kernel_rows(int rows, int64_t kc, const float* a, int64_t a_row, int64_t a_k, const float* b,
                       float* c, int64_t ldc, int nr, bool accumulate, const float* bias) {
  if constexpr (R > 1) {
    if (rows < R)
      return micro_kernel_rows<R - 1>(rows, kc, a, a_row, a_k, b, c, ldc, nr, accumulate, bias);
  }
  micro_kernel<R>(kc, a, a_row, a_k, b, c, ldc, nr, accumulate, bias);
}

// Where B's panels come from: pre-packed weights (no copy for full panels) or a
// row-major K × N matrix copied panel by panel.
struct PackedSource {
  const PackedWeight& w;
  // The kc × kNr panel of columns [j0, j0 + nr) and rows [pc, pc + kc).
  const float* panel(int64_t j0, int64_t nr, int64_t pc, int64_t kc, float* tmp) const {
    const float* src = w.panel(j0) + pc * nr;
    if (nr == kNr) return src;
    for (int64_t k = 0; k < kc; ++k) {
      std::memcpy(tmp + k * kNr, src + k * nr, sizeof(float) * size_t(nr));
      std::fill(tmp + k * kNr + nr, tmp + (k + 1) * kNr, 0.0f);
    }
    return tmp;
  }
};
// A bfloat16 weight's pairs widened to float32 (exact: a shift) as each panel is read: the
// kernel for CPUs without AVX512_BF16. kNr divides kBf16PanelWidth, so a float32 panel
// lies inside one bfloat16 panel.
struct Bf16WidenSource {
  const PackedWeight& w;
  const float* panel(int64_t j0, int64_t nr, int64_t pc, int64_t kc, float* tmp) const {
    static_assert(kBf16PanelWidth % kNr == 0, "a float32 panel must lie inside one bfloat16 panel");
    const uint16_t* src = w.bf16_panel(j0) + 2 * (j0 % kBf16PanelWidth);
    for (int64_t k = pc; k < pc + kc; ++k) {
      const uint16_t* pair_row = src + (k / 2) * 2 * kBf16PanelWidth + (k % 2);
      float* out = tmp + (k - pc) * kNr;
      for (int64_t j = 0; j < kNr; ++j) out[j] = io::bf16_to_float(pair_row[2 * j]);  // padding reads as zero
    }
    return tmp;
  }
};
struct RowMajorSource {
  const float* B;
  int64_t ldb;
  const float* panel(int64_t j0, int64_t nr, int64_t pc, int64_t kc, float* tmp) const {
    for (int64_t k = 0; k < kc; ++k) {
      std::memcpy(tmp + k * kNr, B + (pc + k) * ldb + j0, sizeof(float) * size_t(nr));
      if (nr < kNr) std::fill(tmp + k * kNr + nr, tmp + (k + 1) * kNr, 0.0f);
    }
    return tmp;
  }
};

struct WriterSource {
  const PanelWriter& write;
  const float* panel(int64_t j0, int64_t nr, int64_t pc, int64_t kc, float* tmp) const {
    write(j0, nr, pc, kc, tmp);
    return tmp;
  }
};

// Rows [m0, m1) × columns [n0, n1) of C, on the calling thread.
template <class Source>
void gemm_block(int64_t m0, int64_t m1, int64_t n0, int64_t n1, int64_t K, const float* A, int64_t lda,
                const Source& source, const float* bias, float* C, int64_t ldc) {
  Scratch& s = scratch();
  // Up to kDirectRows rows are read in place: packing them would cost as much as the product.
  constexpr int64_t kDirectRows = 4;
  const bool direct = m1 - m0 <= kDirectRows;
  for (int64_t pc = 0; pc < K; pc += kKc) {
    const int64_t kc = std::min(kKc, K - pc);
    const bool first = pc == 0;
    for (int64_t ic = m0; ic < m1; ic += kMc) {
      const int64_t mc = std::min(kMc, m1 - ic);
      if (!direct) pack_a(A, lda, ic, mc, pc, kc, s.a);
      for (int64_t j0 = n0; j0 < n1; j0 += kNr) {
        const int64_t nr = std::min<int64_t>(kNr, n1 - j0);
        const float* b = source.panel(j0, nr, pc, kc, s.b);
        const float* bias_j = first && bias ? bias + j0 : nullptr;
        float* c = C + ic * ldc + j0;
        if (direct) {
          micro_kernel_rows(int(mc), kc, A + ic * lda + pc, lda, 1, b, c, ldc, int(nr), !first, bias_j);
          continue;
        }
        for (int64_t ir = 0; ir < mc; ir += kMr)
          micro_kernel_rows(int(std::min<int64_t>(kMr, mc - ir)), kc, s.a + ir * kc, 1, kMr, b,
                            c + ir * ldc, ldc, int(nr), !first, bias_j);
      }
    }
  }
}

// Splits C among the OpenMP threads: by rows when there are enough of them (each thread then
// reads all of B once per row block), else by column panels.
template <class Source>
void run(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const Source& source,
         const float* bias, float* C, int64_t ldc, bool prefer_rows) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) C[i * ldc + j] = bias ? bias[j] : 0.0f;
    return;
  }
  const int64_t panels = (N + kNr - 1) / kNr;
  int threads = omp_in_parallel() ? 1 : omp_get_max_threads();
  if (2.0 * double(M) * double(N) * double(K) < 4e6) threads = 1;
  const bool by_rows = prefer_rows ? M >= int64_t(threads) * kMr * 4 : panels < threads;
  if (threads <= 1) {
    gemm_block(0, M, 0, N, K, A, lda, source, bias, C, ldc);
    return;
  }
  ParallelErrors errors("gemm");
#pragma omp parallel num_threads(threads)
  errors.run([&] {
    const int64_t t = omp_get_thread_num(), nt = omp_get_num_threads();
    if (by_rows) {
      const int64_t per = ((M + nt - 1) / nt + kMr - 1) / kMr * kMr;
      const int64_t m0 = std::min(M, t * per), m1 = std::min(M, m0 + per);
      if (m1 > m0) gemm_block(m0, m1, 0, N, K, A, lda, source, bias, C, ldc);
    } else {
      const int64_t per = (panels + nt - 1) / nt;
      const int64_t n0 = std::min(N, t * per * kNr), n1 = std::min(N, n0 + per * kNr);
      if (n1 > n0) gemm_block(0, M, n0, n1, K, A, lda, source, bias, C, ldc);
    }
  });
  errors.rethrow_if_failed();
}

}  // namespace

int gemm_panel_width() { return kNr; }
const char* gemm_kernel_name() { return kKernelName; }

void PackedWeight::FreeAligned::operator()(void* p) const { std::free(p); }

PackedWeight::PackedWeight(const float* w, int64_t out_features, int64_t in_features, WeightPrecision precision)
    : out_(out_features), in_(in_features), precision_(precision) {
  if (out_ < 0 || in_ < 0) throw Error("PackedWeight: negative shape");
  if (precision_ == WeightPrecision::kBf16)
    pack_bf16(w);
  else
    pack_fp32(w);
}

void PackedWeight::pack_fp32(const float* w) {
  data_.reset(allocate_aligned(std::max<int64_t>(1, out_ * in_)));
  // Packing runs at load, once per weight: both threads share it (and its page faults).
  const int64_t panels = (out_ + kNr - 1) / kNr;
#pragma omp parallel for schedule(static) if (out_ * in_ > (int64_t(1) << 16))
  for (int64_t p = 0; p < panels; ++p) {
    const int64_t j0 = p * kNr;
    const int64_t width = std::min<int64_t>(kNr, out_ - j0);
    float* panel = data_.get() + j0 * in_;
    for (int64_t j = 0; j < width; ++j) {
      const float* src = w + (j0 + j) * in_;
      for (int64_t k = 0; k < in_; ++k) panel[k * width + j] = src[k];
    }
  }
}

void PackedWeight::pack_bf16(const float* w) {
  const int64_t panels = (out_ + kBf16PanelWidth - 1) / kBf16PanelWidth;
  const int64_t panel_values = bf16_pairs() * 2 * kBf16PanelWidth;
  bf16_.reset(static_cast<uint16_t*>(allocate_aligned_bytes(size_t(std::max<int64_t>(1, panels * panel_values)) * 2)));
#pragma omp parallel for schedule(static) if (out_ * in_ > (int64_t(1) << 16))
  for (int64_t p = 0; p < panels; ++p) {
    uint16_t* panel = bf16_.get() + p * panel_values;
    for (int64_t j = 0; j < kBf16PanelWidth; ++j) {
      const int64_t row = p * kBf16PanelWidth + j;
      for (int64_t k = 0; k < 2 * bf16_pairs(); ++k)
        panel[(k / 2) * 2 * kBf16PanelWidth + 2 * j + (k % 2)] =
            row < out_ && k < in_ ? io::float_to_bf16(w[row * in_ + k]) : uint16_t(0);
    }
  }
}

PackedWeight::PackedWeight(const Tensor& w, WeightPrecision precision) : PackedWeight() {
  if (w.rank() != 2 || w.numel() != shape_numel(w.shape))
    throw Error("PackedWeight: expected a 2-D weight (out, in), got " + w.shape_str());
  *this = PackedWeight(w.ptr(), w.dim(0), w.dim(1), precision);
}

int64_t PackedWeight::bytes() const {
  if (precision_ == WeightPrecision::kFp32) return out_ * in_ * int64_t(sizeof(float));
  const int64_t panels = (out_ + kBf16PanelWidth - 1) / kBf16PanelWidth;
  return panels * bf16_pairs() * 2 * kBf16PanelWidth * int64_t(sizeof(uint16_t));
}

Tensor PackedWeight::unpack() const {
  Tensor w({out_, in_});
  if (precision_ == WeightPrecision::kBf16) {
    for (int64_t j = 0; j < out_; ++j) {
      const uint16_t* panel = bf16_panel(j) + 2 * (j % kBf16PanelWidth);
      for (int64_t k = 0; k < in_; ++k)
        w.data[j * in_ + k] = io::bf16_to_float(panel[(k / 2) * 2 * kBf16PanelWidth + (k % 2)]);
    }
    return w;
  }
  for (int64_t j0 = 0; j0 < out_; j0 += kNr) {
    const int64_t width = std::min<int64_t>(kNr, out_ - j0);
    const float* panel = data_.get() + j0 * in_;
    for (int64_t j = 0; j < width; ++j)
      for (int64_t k = 0; k < in_; ++k) w.data[(j0 + j) * in_ + k] = panel[k * width + j];
  }
  return w;
}

void gemm_packed(int64_t M, const float* A, int64_t lda, const PackedWeight& W, const float* bias,
                 float* C, int64_t ldc) {
  if (W.precision() == WeightPrecision::kBf16) {
    switch (bf16_kernel_for(W.in_features())) {
      case Bf16Kernel::kAmx: return gemm_bf16_amx(M, A, lda, W, bias, C, ldc);
      case Bf16Kernel::kAvx512Bf16: return gemm_bf16_dot(M, A, lda, W, bias, C, ldc);
      default: return run(M, W.out_features(), W.in_features(), A, lda, Bf16WidenSource{W}, bias, C, ldc, true);
    }
  }
  run(M, W.out_features(), W.in_features(), A, lda, PackedSource{W}, bias, C, ldc, /*prefer_rows=*/true);
}

void gemm(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B, int64_t ldb,
          float* C, int64_t ldc) {
  run(M, N, K, A, lda, RowMajorSource{B, ldb}, nullptr, C, ldc, /*prefer_rows=*/false);
}

void gemm_panels(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const PanelWriter& write_panel,
                 float* C, int64_t ldc) {
  run(M, N, K, A, lda, WriterSource{write_panel}, nullptr, C, ldc, /*prefer_rows=*/false);
}

}  // namespace vs::nn
