#include "core/nn/conv2d.h"

#include <algorithm>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/nn/gemm.h"
#include "core/nn/winograd.h"

namespace vs::nn {
namespace {

// Largest tensors this build will allocate (elements); bigger requests are refused with a
// vs::Error instead of exhausting memory. 2^31 floats = 8 GiB.
constexpr int64_t kMaxElements = int64_t(1) << 31;

std::string geometry(const Tensor& x, const Tensor& w, int stride, Conv2dPadding p) {
  return "input " + x.shape_str() + ", weight " + w.shape_str() + ", stride " + std::to_string(stride) +
         ", padding (t" + std::to_string(p.top) + " b" + std::to_string(p.bottom) + " l" +
         std::to_string(p.left) + " r" + std::to_string(p.right) + ")";
}

// A run of at most one panel's width: a plain loop, which the compiler vectorises;
// as a memmove call per 32 floats it was 15% of a VAE decode.
__attribute__((optimize("no-tree-loop-distribute-patterns"))) void copy_run(const float* src, int64_t n,
                                                                            float* dst) {
  for (int64_t t = 0; t < n; ++t) dst[t] = src[t];
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
  const int64_t patch = cin * kh * kw;  // rows of the (virtual) im2col matrix
  const bool pointwise = kh == 1 && kw == 1 && stride == 1 && pad.top == 0 && pad.bottom == 0 &&
                         pad.left == 0 && pad.right == 0;
  const int64_t width = gemm_panel_width();
  const bool winograd = winograd_applies(cin, cout, in_h, in_w, kh, kw, stride,
                                         pad.top == 1 && pad.bottom == 1 && pad.left == 1 && pad.right == 1);

  for (int64_t b = 0; b < batch; ++b) {
    const float* src = x.ptr() + b * cin * in_h * in_w;
    Eigen::Map<RowMatrixF> Y(y.ptr() + b * cout * out_hw, cout, out_hw);
    if (winograd) {
      conv3x3_winograd(src, cin, in_h, in_w, weight.ptr(), cout, Y.data());
    } else if (pointwise) {
      gemm(cout, out_hw, cin, weight.ptr(), cin, src, out_hw, Y.data(), out_hw);
    } else {
      // im2col row (c, i, j), column (oh, ow) holds x[c, oh·s + i − top, ow·s + j − left]
      // (zero outside); written a panel at a time, straight from the input.
      const PanelWriter write_panel = [&](int64_t j0, int64_t nr, int64_t pc, int64_t kc, float* out) {
        for (int64_t r = 0; r < kc; ++r) {
          const int64_t row = pc + r;
          const int64_t c = row / (kh * kw), i = (row / kw) % kh, j = row % kw;
          const float* plane = src + c * in_h * in_w;
          float* dst = out + r * width;
          int64_t oh = j0 / out_w, ow = j0 % out_w;
          for (int64_t q = 0; q < nr;) {
            const int64_t len = std::min(nr - q, out_w - ow);  // positions left on this output row
            const int64_t ih = oh * stride + i - pad.top;
            if (ih < 0 || ih >= in_h) {
              std::fill(dst + q, dst + q + len, 0.0f);
            } else if (stride == 1) {
              // iw = ow + t + j − left: zeros, then a contiguous run of the input line, then zeros.
              const int64_t iw0 = ow + j - pad.left;
              const int64_t lo = std::clamp<int64_t>(-iw0, 0, len), hi = std::clamp<int64_t>(in_w - iw0, lo, len);
              std::fill(dst + q, dst + q + lo, 0.0f);
              copy_run(plane + ih * in_w + iw0 + lo, hi - lo, dst + q + lo);
              std::fill(dst + q + hi, dst + q + len, 0.0f);
            } else {
              const float* line = plane + ih * in_w;
              for (int64_t t = 0; t < len; ++t) {
                const int64_t iw = (ow + t) * stride + j - pad.left;
                dst[q + t] = (iw >= 0 && iw < in_w) ? line[iw] : 0.0f;
              }
            }
            q += len;
            ow = 0;
            ++oh;
          }
          std::fill(dst + nr, dst + width, 0.0f);
        }
      };
      gemm_panels(cout, out_hw, patch, weight.ptr(), patch, write_panel, Y.data(), out_hw);
    }
    if (has_bias) Y.colwise() += Eigen::Map<const Eigen::VectorXf>(bias->ptr(), cout);
  }
  return y;
}

}  // namespace vs::nn
