// Building blocks of the LDM-style autoencoders, VAR's VQ-VAE (var.md §2.1) and FlowAR's KL
// VAE (flowar.md §2), each loaded from its state-dict prefix so that every parameter's key is
// its checkpoint key (e.g. "decoder.up.4.attn.0.qkv.weight").
#pragma once
#include <string>
#include <vector>

#include "core/io/checkpoint.h"
#include "core/nn/conv2d.h"
#include "core/nn/group_norm.h"
#include "core/tensor.h"

namespace vs::nn {

// Fetches parameters by key, checks their shapes, and records which keys were used so the
// model loader can name the keys it did not expect. Given `take_from` (the same checkpoint,
// owned by the loader), it moves each tensor out instead of copying it, so a load does not
// hold the model twice; a key is then read once.
class ParamReader {
 public:
  ParamReader(const io::Checkpoint& ckpt, std::vector<std::string>* used_keys, io::Checkpoint* take_from = nullptr)
      : ckpt_(ckpt), used_(used_keys), take_from_(take_from) {}
  bool has(const std::string& key) const { return ckpt_.has(key); }
  const Tensor& shape_of(const std::string& key) const { return ckpt_.get(key); }  // no record
  Tensor get(const std::string& key, const Shape& expected);
  // Conv2d `prefix`.weight (cout, cin, k, k) and `prefix`.bias (cout).
  nn::Conv2d conv(const std::string& prefix, int cin, int cout, int k, int stride,
                  nn::Conv2dPadding padding);
  // GroupNorm(32, channels, eps 1e-6, affine) `prefix`.weight / .bias (channels).
  nn::GroupNorm group_norm(const std::string& prefix, int channels);
  const std::string& path() const { return ckpt_.path; }

 private:
  const io::Checkpoint& ckpt_;
  std::vector<std::string>* used_;
  io::Checkpoint* take_from_;
};

// h = conv1(SiLU(norm1(x))); h = conv2(SiLU(norm2(h))); out = shortcut(x) + h.
struct ResnetBlock {
  nn::GroupNorm norm1;      // (in)
  nn::Conv2d conv1;         // (out, in, 3, 3)
  nn::GroupNorm norm2;      // (out)
  nn::Conv2d conv2;         // (out, out, 3, 3)
  bool has_shortcut = false;
  nn::Conv2d nin_shortcut;  // (out, in, 1, 1), only when in != out

  static ResnetBlock load(ParamReader& params, const std::string& prefix, int in_channels, int out_channels);
  Tensor forward(const Tensor& x) const;
};

// Single-head self-attention over all H*W positions, scale C^-0.5, then x + proj_out(h).
struct AttnBlock {
  nn::GroupNorm norm;    // (C)
  nn::Conv2d qkv;        // (3C, C, 1, 1), output channels [q; k; v]
  nn::Conv2d proj_out;   // (C, C, 1, 1)

  static AttnBlock load(ParamReader& params, const std::string& prefix, int channels);
  Tensor forward(const Tensor& x) const;
};

// Zero pad right and bottom by 1, then a stride-2 3x3 conv: H -> H/2.
struct Downsample2x {
  nn::Conv2d conv;  // (C, C, 3, 3)
  static Downsample2x load(ParamReader& params, const std::string& prefix, int channels);
  Tensor forward(const Tensor& x) const { return conv.forward(x); }
};

// Nearest x2, then a 3x3 conv with padding 1.
struct Upsample2x {
  nn::Conv2d conv;  // (C, C, 3, 3)
  static Upsample2x load(ParamReader& params, const std::string& prefix, int channels);
  Tensor forward(const Tensor& x) const;
};

}  // namespace vs::nn
