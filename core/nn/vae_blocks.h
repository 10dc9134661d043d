// Building blocks of the LDM-style autoencoders, VAR's VQ-VAE (var.md §2.1) and FlowAR's KL
// VAE (flowar.md §2), each loaded from its state-dict prefix so that every parameter's key is
// its checkpoint key (e.g. "decoder.up.4.attn.0.qkv.weight").
#pragma once
#include <string>
#include <vector>

#include "core/io/weight_reader.h"
#include "core/nn/conv2d.h"
#include "core/nn/group_norm.h"
#include "core/tensor.h"

namespace vs::nn {

// Conv2d `prefix`.weight (cout, cin, k, k) and `prefix`.bias (cout).
Conv2d load_conv(io::WeightReader& params, const std::string& prefix, int cin, int cout, int k, int stride,
                 Conv2dPadding padding);
// GroupNorm(32, channels, eps 1e-6, affine) `prefix`.weight / .bias (channels).
GroupNorm load_group_norm(io::WeightReader& params, const std::string& prefix, int channels);

// h = conv1(SiLU(norm1(x))); h = conv2(SiLU(norm2(h))); out = shortcut(x) + h.
struct ResnetBlock {
  nn::GroupNorm norm1;      // (in)
  nn::Conv2d conv1;         // (out, in, 3, 3)
  nn::GroupNorm norm2;      // (out)
  nn::Conv2d conv2;         // (out, out, 3, 3)
  bool has_shortcut = false;
  nn::Conv2d nin_shortcut;  // (out, in, 1, 1), only when in != out

  static ResnetBlock load(io::WeightReader& params, const std::string& prefix, int in_channels, int out_channels);
  Tensor forward(const Tensor& x) const;
};

// Single-head self-attention over all H*W positions, scale C^-0.5, then x + proj_out(h).
struct AttnBlock {
  nn::GroupNorm norm;    // (C)
  nn::Conv2d qkv;        // (3C, C, 1, 1), output channels [q; k; v]
  nn::Conv2d proj_out;   // (C, C, 1, 1)

  static AttnBlock load(io::WeightReader& params, const std::string& prefix, int channels);
  Tensor forward(const Tensor& x) const;
};

// Zero pad right and bottom by 1, then a stride-2 3x3 conv: H -> H/2.
struct Downsample2x {
  nn::Conv2d conv;  // (C, C, 3, 3)
  static Downsample2x load(io::WeightReader& params, const std::string& prefix, int channels);
  Tensor forward(const Tensor& x) const { return conv.forward(x); }
};

// Nearest x2, then a 3x3 conv with padding 1.
struct Upsample2x {
  nn::Conv2d conv;  // (C, C, 3, 3)
  static Upsample2x load(io::WeightReader& params, const std::string& prefix, int channels);
  Tensor forward(const Tensor& x) const;
};

}  // namespace vs::nn
