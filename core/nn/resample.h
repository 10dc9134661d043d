// Resampling of NCHW float32 maps exactly as torch.nn.functional.interpolate computes it
// in the modes VAR uses (var.md §2.4): bicubic (align_corners=False, A = -0.75, unclamped
// source coordinate, replicate border), area (= adaptive average pooling, overlapping
// bins), and nearest x2 (the VQ-VAE Upsample2x).
#pragma once
#include "core/tensor.h"

namespace vs::nn {

// Keys cubic convolution weights of the four taps i0-1, i0, i0+1, i0+2 for fraction t.
void bicubic_weights(float t, float w[4]);

// x (B, C, H, W) -> (B, C, out_h, out_w).
Tensor interpolate_bicubic(const Tensor& x, int out_h, int out_w);
Tensor interpolate_area(const Tensor& x, int out_h, int out_w);
// out[i][j] = in[i/2][j/2]: (B, C, H, W) -> (B, C, 2H, 2W).
Tensor upsample_nearest2x(const Tensor& x);

}  // namespace vs::nn
