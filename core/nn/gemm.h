// Single-precision matrix products for the models' linear layers and convolutions: a
// cache-blocked GEMM with a register-tiled micro-kernel (AVX-512 or AVX2+FMA, chosen at
// compile time; a portable kernel elsewhere) and weights packed once at load, in float32
// or in bfloat16 (bf16_kernel.h: AMX or AVX512_BF16 where the CPU has them).
//
// Why not Eigen's product: on the 2-core machines this project targets, Eigen re-packs the
// weight matrix on every call (13% of FlowAR sampling in perf) and its two-thread split
// reaches 45% of the FMA peak; a pre-packed weight and one contiguous M range per thread
// avoid both.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>

#include "core/tensor.h"
#include "core/weight_precision.h"

namespace vs::nn {

// Output features per packed panel (the micro-kernel's column width) in this build.
int gemm_panel_width();
// "avx512", "avx2" or "portable": which micro-kernel this build runs.
const char* gemm_kernel_name();

// Output features per panel of a bfloat16 weight, in every build: two AVX-512 vectors.
constexpr int64_t kBf16PanelWidth = 32;

// An nn.Linear weight W (out, in) in panel layout.
// float32: output features in groups of gemm_panel_width(), each group stored k-major
// (in × width), the last group narrower. The layout is a permutation of W, so packing
// costs no extra memory once W is dropped.
// bfloat16 (rounded to nearest, ties to even): output features in groups of
// kBf16PanelWidth, each group stored as in/2 rows of (W[j][2p], W[j][2p+1]) pairs for its
// 32 features — the operand layout of AVX512_BF16's dot product — with in rounded up to
// even and out to whole panels, the padding zero. Half the bytes of float32.
class PackedWeight {
 public:
  PackedWeight() = default;
  PackedWeight(const float* w, int64_t out_features, int64_t in_features,
               WeightPrecision precision = WeightPrecision::kFp32);
  // w (out, in); throws vs::Error on another rank.
  explicit PackedWeight(const Tensor& w, WeightPrecision precision = WeightPrecision::kFp32);

  int64_t out_features() const { return out_; }
  int64_t in_features() const { return in_; }
  bool empty() const { return out_ == 0; }
  Shape shape() const { return {out_, in_}; }
  WeightPrecision precision() const { return precision_; }
  int64_t bytes() const;  // the packed storage
  // float32: the panel starting at output feature j0 (a multiple of the panel width): in × width floats.
  const float* panel(int64_t j0) const { return data_.get() + j0 * in_; }
  // bfloat16: pairs in a k-pair row (in rounded up to even, halved).
  int64_t bf16_pairs() const { return (in_ + 1) / 2; }
  // bfloat16: the panel holding output feature j0: bf16_pairs() × kBf16PanelWidth pairs.
  const uint16_t* bf16_panel(int64_t j0) const {
    return bf16_.get() + (j0 / kBf16PanelWidth) * bf16_pairs() * 2 * kBf16PanelWidth;
  }
  Tensor unpack() const;  // back to (out, in) row-major float32 (bfloat16 widened exactly)

 private:
  struct FreeAligned {
    void operator()(void* p) const;
  };
  void pack_fp32(const float* w);
  void pack_bf16(const float* w);
  std::unique_ptr<float[], FreeAligned> data_;     // float32 panels
  std::unique_ptr<uint16_t[], FreeAligned> bf16_;  // bfloat16 panels
  int64_t out_ = 0, in_ = 0;
  WeightPrecision precision_ = WeightPrecision::kFp32;
};

// C (M × N, row stride ldc) = A (M × K, row stride lda) · Wᵀ, plus bias[N] when bias is
// non-null. N = W.out_features(), K = W.in_features(). A bfloat16 W runs the kernel
// bf16_kernel_for(K) names: AMX or AVX512_BF16 where the CPU has them (A is then rounded
// to bfloat16 too; sums stay float32), else the float32 kernel on widened panels.
void gemm_packed(int64_t M, const float* A, int64_t lda, const PackedWeight& W, const float* bias,
                 float* C, int64_t ldc);

// C (M × N, ldc) = A (M × K, lda) · B (K × N, ldb), all row-major (a convolution's weight
// times its im2col columns).
void gemm(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B, int64_t ldb,
          float* C, int64_t ldc);

// C (M × N, ldc) = A (M × K, lda) · B where B is never stored: `write_panel(j0, nr, pc, kc,
// out)` writes B's rows [pc, pc + kc) × columns [j0, j0 + nr) into out, row r at
// out + r · gemm_panel_width(), columns past nr zero. A convolution builds its im2col
// columns this way, one cache-sized panel at a time, instead of materialising them (9x its
// input for a 3x3 kernel). Called concurrently from the OpenMP threads.
using PanelWriter = std::function<void(int64_t j0, int64_t nr, int64_t pc, int64_t kc, float* out)>;
void gemm_panels(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const PanelWriter& write_panel,
                 float* C, int64_t ldc);

}  // namespace vs::nn
