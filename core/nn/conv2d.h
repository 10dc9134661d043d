// nn.Conv2d over NCHW float32 tensors: one GEMM per image whose im2col columns are
// written panel by panel straight from the input (never stored whole); 3×3 "same"
// convolutions with 32+ channels take Winograd F(2×2, 3×3) instead (winograd.h). Padding may be asymmetric, which the VQ-VAE's Downsample2x needs (zero pad 1
// on the right and bottom only, var.md §2.1).
#pragma once
#include <string>

#include "core/tensor.h"

namespace vs::nn {

struct Conv2dPadding {
  int top = 0, bottom = 0, left = 0, right = 0;
  static Conv2dPadding same(int p) { return {p, p, p, p}; }
};

// x (B, Cin, H, W), weight (Cout, Cin, kh, kw), bias (Cout) or null/empty.
// Output (B, Cout, (H + top + bottom - kh)/stride + 1, (W + left + right - kw)/stride + 1).
// Throws vs::Error naming `what` on shape mismatch or a size it refuses to allocate.
Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor* bias, int stride,
              Conv2dPadding padding, const char* what = "conv2d");

// A convolution module: parameters plus its geometry.
struct Conv2d {
  Tensor weight;  // (Cout, Cin, k, k)
  Tensor bias;    // (Cout), may be empty
  int stride = 1;
  Conv2dPadding padding;
  std::string name = "conv2d";  // state-dict prefix, for error messages

  int out_channels() const { return weight.rank() == 4 ? static_cast<int>(weight.dim(0)) : 0; }
  int in_channels() const { return weight.rank() == 4 ? static_cast<int>(weight.dim(1)) : 0; }
  Tensor forward(const Tensor& x) const { return conv2d(x, weight, &bias, stride, padding, name.c_str()); }
};

}  // namespace vs::nn
