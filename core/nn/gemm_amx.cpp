#include "core/nn/gemm_amx.h"

#include <omp.h>

#include <algorithm>
#include <vector>

#include "core/error.h"
#include "core/nn/gemm_split.h"
#include "core/parallel.h"

#if defined(__x86_64__) && defined(__GNUC__) && defined(__linux__)
#include <immintrin.h>
#include <sys/syscall.h>
#include <unistd.h>
#define VS_HAVE_AMX_KERNEL 1
// The kernel's own instruction set, whatever the rest of the build targets.
#define VS_AMX_TARGET __attribute__((target("avx512f,avx512bf16,amx-tile,amx-bf16")))
#endif

namespace vs::nn {
namespace {

#ifdef VS_HAVE_AMX_KERNEL

// Tiles: C 0..3 (a 32 × 32 block of sums as 2 × 2 tiles of 16 × 16), A 4..5 (16 rows ×
// 32 inputs each), B 6..7 (32 inputs × 16 outputs each, as 16 rows of pairs).
constexpr int64_t kTileRows = 16;
constexpr int64_t kBlockRows = 2 * kTileRows;      // rows of C per micro-block
constexpr int64_t kNr = kBf16PanelWidth;           // columns of C per micro-block: one panel
static_assert(kNr == 2 * 16, "a weight panel is two B tiles wide");
// Cache blocking: kKc inputs of a weight panel (32 KiB) stay in L1 while the kMc × kKc
// bfloat16 block of A (256 KiB) stays in L2.
constexpr int64_t kKc = 512;
constexpr int64_t kMc = 256;

struct alignas(64) TileConfig {
  uint8_t palette = 1, start_row = 0;
  uint8_t reserved[14] = {};
  uint16_t colsb[16] = {};
  uint8_t rows[16] = {};
};

// Linux hands out the AMX tile state only on request (arch_prctl ARCH_REQ_XCOMP_PERM).
bool request_tile_state() {
  constexpr long kArchReqXcompPerm = 0x1023, kXfeatureXtiledata = 18;
  return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
}

// 8 tiles of 16 rows × 64 bytes, for the calling thread until _tile_release: each block
// of work configures and releases them, so a thread holds no tile state between products
// (its context switches then save none, and its other vector code runs as before).
VS_AMX_TARGET void configure_tiles() {
  TileConfig config;
  for (int t = 0; t < 8; ++t) config.rows[t] = kTileRows, config.colsb[t] = 64;
  _tile_loadconfig(&config);
}

// Rows [r0, r0 + rows) × inputs [pc, pc + kc) of float32 A rounded to bfloat16 (nearest,
// ties to even), row-major with kc values per row, rows padded with zeros to whole blocks.
VS_AMX_TARGET void pack_a(const float* A, int64_t lda, int64_t r0, int64_t rows, int64_t pc, int64_t kc,
                          uint16_t* out) {
  const int64_t padded = (rows + kBlockRows - 1) / kBlockRows * kBlockRows;
  for (int64_t i = 0; i < padded; ++i) {
    uint16_t* dst = out + i * kc;
    if (i >= rows) {
      std::fill(dst, dst + kc, uint16_t(0));
      continue;
    }
    const float* src = A + (r0 + i) * lda + pc;
    for (int64_t k = 0; k < kc; k += 32) {  // kc is a multiple of 32
      const __m512 lo = _mm512_loadu_ps(src + k), hi = _mm512_loadu_ps(src + k + 16);
      // Lanes 0..15 of the result come from the second operand.
      _mm512_storeu_si512(dst + k, reinterpret_cast<__m512i>(_mm512_cvtne2ps_pbh(hi, lo)));
    }
  }
}

inline VS_AMX_TARGET __mmask16 lane_mask(int64_t valid) {
  return valid >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << std::max<int64_t>(valid, 0)) - 1u);
}

// One 32 × 32 block: sums over kc inputs of a (32 rows of kc bfloat16) and b (kc / 2 rows
// of 32 column pairs, row stride 128 bytes), then c (rows × nr valid) = / += sums (+ bias).
VS_AMX_TARGET void micro_block(int64_t kc, const uint16_t* a, const uint16_t* b, float* c, int64_t ldc,
                               int64_t rows, int64_t nr, bool accumulate, const float* bias) {
  _tile_zero(0);
  _tile_zero(1);
  _tile_zero(2);
  _tile_zero(3);
  const int64_t a_stride = kc * 2, b_stride = kNr * 2 * 2;
  for (int64_t k = 0; k < kc; k += 32) {
    _tile_loadd(4, a + k, a_stride);
    _tile_loadd(5, a + kTileRows * kc + k, a_stride);
    const uint16_t* b_rows = b + (k / 2) * kNr * 2;
    _tile_loadd(6, b_rows, b_stride);
    _tile_loadd(7, b_rows + 32, b_stride);
    _tile_dpbf16ps(0, 4, 6);
    _tile_dpbf16ps(1, 4, 7);
    _tile_dpbf16ps(2, 5, 6);
    _tile_dpbf16ps(3, 5, 7);
  }
  alignas(64) float sums[kBlockRows * kNr];
  _tile_stored(0, sums, kNr * 4);
  _tile_stored(1, sums + 16, kNr * 4);
  _tile_stored(2, sums + kTileRows * kNr, kNr * 4);
  _tile_stored(3, sums + kTileRows * kNr + 16, kNr * 4);
  const __mmask16 m0 = lane_mask(nr), m1 = lane_mask(nr - 16);
  for (int64_t i = 0; i < rows; ++i) {
    float* row = c + i * ldc;
    __m512 v0 = _mm512_load_ps(sums + i * kNr), v1 = _mm512_load_ps(sums + i * kNr + 16);
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

// Per-thread packed A block (kMc × kKc bfloat16), kept for the thread's life.
uint16_t* a_scratch() {
  static thread_local std::vector<uint16_t> values(size_t(kMc * kKc));
  return values.data();
}

// Rows [m0, m1) × columns [n0, n1) of C (n0 a multiple of 32), on the calling thread.
VS_AMX_TARGET void gemm_block(int64_t m0, int64_t m1, int64_t n0, int64_t n1, const float* A, int64_t lda,
                              const PackedWeight& W, const float* bias, float* C, int64_t ldc) {
  configure_tiles();
  const int64_t K = W.in_features();
  uint16_t* a = a_scratch();
  for (int64_t pc = 0; pc < K; pc += kKc) {
    const int64_t kc = std::min(kKc, K - pc);
    const bool first = pc == 0;
    for (int64_t ic = m0; ic < m1; ic += kMc) {
      const int64_t mc = std::min(kMc, m1 - ic);
      pack_a(A, lda, ic, mc, pc, kc, a);
      for (int64_t j0 = n0; j0 < n1; j0 += kNr) {
        const int64_t nr = std::min(kNr, n1 - j0);
        const uint16_t* b = W.bf16_panel(j0) + (pc / 2) * kNr * 2;
        const float* bias_j = first && bias ? bias + j0 : nullptr;
        for (int64_t ir = 0; ir < mc; ir += kBlockRows)
          micro_block(kc, a + ir * kc, b, C + (ic + ir) * ldc + j0, ldc, std::min(kBlockRows, mc - ir), nr, !first,
                      bias_j);
      }
    }
  }
  _tile_release();
}

#endif  // VS_HAVE_AMX_KERNEL

}  // namespace

bool amx_bf16_usable() {
#ifdef VS_HAVE_AMX_KERNEL
  static const bool usable = __builtin_cpu_supports("avx512bf16") && __builtin_cpu_supports("amx-tile") &&
                             __builtin_cpu_supports("amx-bf16") && request_tile_state();
  return usable;
#else
  return false;
#endif
}

void gemm_bf16_amx(int64_t M, const float* A, int64_t lda, const PackedWeight& W, const float* bias, float* C,
                   int64_t ldc) {
#ifdef VS_HAVE_AMX_KERNEL
  if (!amx_bf16_usable()) throw Error("gemm: this CPU (or OS) has no AMX-BF16 for the bfloat16 kernel");
  if (W.precision() != WeightPrecision::kBf16 || W.in_features() % kAmxStep != 0)
    throw Error("gemm: the AMX kernel needs a bfloat16 weight whose input size is a multiple of 32");
  const int64_t N = W.out_features(), K = W.in_features();
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) C[i * ldc + j] = bias ? bias[j] : 0.0f;
    return;
  }
  split_gemm("gemm (AMX)", M, N, K, kBlockRows, kMc / 2, kNr, [&](int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
    gemm_block(m0, m1, n0, n1, A, lda, W, bias, C, ldc);
  });
#else
  throw Error("gemm: this build has no AMX kernel");
#endif
}

}  // namespace vs::nn
