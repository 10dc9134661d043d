#include "core/nn/conv2d.h"

#include <algorithm>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/nn/gemm.h"

namespace vs::nn {
namespace {

// Largest tensors this build will allocate (elements); bigger requests are refused with a
// vs::Error instead of exhausting memory. 2^31 floats = 8 GiB.
constexpr int64_t kMaxElements = int64_t(1) << 31;
// im2col is built for a band of output rows at a time so that its buffer stays near this
// many floats (64 MiB) even for 256 px maps with 160+ channels.
constexpr int64_t kColumnBudget = int64_t(1) << 24;

std::string geometry(const Tensor& x, const Tensor& w, int stride, Conv2dPadding p) {
  return "input " + x.shape_str() + ", weight " + w.shape_str() + ", stride " + std::to_string(stride) +
         ", padding (t" + std::to_string(p.top) + " b" + std::to_string(p.bottom) + " l" +
         std::to_string(p.left) + " r" + std::to_string(p.right) + ")";
}

}  // namespace

Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor* bias, int stride,
              Conv2dPadding pad, const char* what) {
  const std::string name(what);
  if (x.rank() != 4 || weight.rank() != 4 || x.dim(1) != weight.dim(1))
    throw Error(name + ": " + geometry(x, weight, stride, pad) + " do not match (expected x (B, Cin, H, W), weight (Cout, Cin, kh, kw))");
  if (x.numel() != shape_numel(x.shape) || weight.numel() != shape_numel(weight.shape))
    throw Error(name + ": tensor data does not match its shape (" + geometry(x, weight, stride, pad) + ")");
  if (stride < 1 || pad.top < 0 || pad.bottom < 0 || pad.left < 0 || pad.right < 0)
    throw Error(name + ": invalid geometry " + geometry(x, weight, stride, pad));
  const int64_t batch = x.dim(0), cin = x.dim(1), in_h = x.dim(2), in_w = x.dim(3);
  const int64_t cout = weight.dim(0), kh = weight.dim(2), kw = weight.dim(3);
  const bool has_bias = bias && bias->numel() != 0;
  if (has_bias && bias->numel() != cout)
    throw Error(name + ": bias " + bias->shape_str() + " does not match weight " + weight.shape_str());
  const int64_t padded_h = in_h + pad.top + pad.bottom, padded_w = in_w + pad.left + pad.right;
  if (kh < 1 || kw < 1 || padded_h < kh || padded_w < kw)
    throw Error(name + ": kernel larger than the padded input: " + geometry(x, weight, stride, pad));
  const int64_t out_h = (padded_h - kh) / stride + 1, out_w = (padded_w - kw) / stride + 1;
  const int64_t out_hw = out_h * out_w;
  if (cin * kh * kw * out_w > kMaxElements || batch > kMaxElements || cout * out_hw > kMaxElements ||
      batch * cout * out_hw > kMaxElements)
    throw Error(name + ": output of " + std::to_string(batch) + "x" + std::to_string(cout) + "x" +
                std::to_string(out_h) + "x" + std::to_string(out_w) + " floats exceeds the size limit");

  Tensor y({batch, cout, out_h, out_w});
  const int64_t patch = cin * kh * kw;  // rows of the im2col matrix
  const bool pointwise = kh == 1 && kw == 1 && stride == 1 && pad.top == 0 && pad.bottom == 0 &&
                         pad.left == 0 && pad.right == 0;
  const int64_t band_rows = std::clamp<int64_t>(kColumnBudget / std::max<int64_t>(1, patch * out_w), 1, out_h);
  std::vector<float> columns(pointwise ? 0 : size_t(patch * band_rows * out_w));

  for (int64_t b = 0; b < batch; ++b) {
    const float* src = x.ptr() + b * cin * in_h * in_w;
    Eigen::Map<RowMatrixF> Y(y.ptr() + b * cout * out_hw, cout, out_hw);
    if (pointwise) {
      gemm(cout, out_hw, cin, weight.ptr(), cin, src, out_hw, Y.data(), out_hw);
    } else {
      for (int64_t r0 = 0; r0 < out_h; r0 += band_rows) {
        const int64_t rows = std::min(band_rows, out_h - r0), band = rows * out_w;
        // columns (patch, band): row (c, i, j) holds x[c, oh*s + i - top, ow*s + j - left].
#pragma omp parallel for schedule(static) if (patch * band > 32768)
        for (int64_t row = 0; row < patch; ++row) {
          const int64_t c = row / (kh * kw), i = (row / kw) % kh, j = row % kw;
          const float* plane = src + c * in_h * in_w;
          float* out = columns.data() + row * band;
          for (int64_t oh = r0; oh < r0 + rows; ++oh) {
            const int64_t ih = oh * stride + i - pad.top;
            float* dst = out + (oh - r0) * out_w;
            if (ih < 0 || ih >= in_h) {
              std::fill(dst, dst + out_w, 0.0f);
              continue;
            }
            const float* line = plane + ih * in_w;
            for (int64_t ow = 0; ow < out_w; ++ow) {
              const int64_t iw = ow * stride + j - pad.left;
              dst[ow] = (iw >= 0 && iw < in_w) ? line[iw] : 0.0f;
            }
          }
        }
        gemm(cout, band, patch, weight.ptr(), patch, columns.data(), band, Y.data() + r0 * out_w, out_hw);
      }
    }
    if (has_bias) Y.colwise() += Eigen::Map<const Eigen::VectorXf>(bias->ptr(), cout);
  }
  return y;
}

}  // namespace vs::nn
