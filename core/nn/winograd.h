// 3×3, stride 1, zero-padding 1 convolutions by Winograd's minimal filtering F(2×2, 3×3)
// (Lavin & Gray 2016): each 2×2 output tile costs 16 multiplies per input channel instead
// of 36, so the VAE decoders' GEMM work drops 2.25x. The transforms use only ±1 and ½, so
// the result stays within a few float ulps of the direct convolution.
#pragma once
#include <cstdint>

namespace vs::nn {

// Whether conv2d should take this path: 3×3, stride 1, padding 1 on every side, and
// enough channels and pixels for the transforms to pay off.
bool winograd_applies(int64_t cin, int64_t cout, int64_t height, int64_t width, int64_t kernel_h,
                      int64_t kernel_w, int stride, bool pad_one_all_sides);

// y (cout, h, w) = conv3x3(x (cin, h, w), weight (cout, cin, 3, 3)), no bias; one image.
void conv3x3_winograd(const float* x, int64_t cin, int64_t height, int64_t width, const float* weight,
                      int64_t cout, float* y);

}  // namespace vs::nn
