#include "core/nn/vae_blocks.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/nn/activations.h"
#include "core/nn/resample.h"

namespace vs::nn {

nn::Conv2d load_conv(io::WeightReader& params, const std::string& prefix, int cin, int cout, int k, int stride,
                     nn::Conv2dPadding padding) {
  nn::Conv2d c;
  c.weight = params.take(prefix + ".weight", {cout, cin, k, k});
  c.bias = params.take(prefix + ".bias", {cout});
  c.stride = stride;
  c.padding = padding;
  c.name = params.path() + ": " + prefix;
  return c;
}

nn::GroupNorm load_group_norm(io::WeightReader& params, const std::string& prefix, int channels) {
  if (channels % 32 != 0)
    throw Error(params.path() + ": " + prefix + " normalises " + std::to_string(channels) +
                " channels, which GroupNorm(32 groups) cannot split (need a multiple of 32)");
  nn::GroupNorm n;
  n.weight = params.take(prefix + ".weight", {channels});
  n.bias = params.take(prefix + ".bias", {channels});
  n.groups = 32;
  n.eps = 1e-6f;
  n.name = params.path() + ": " + prefix;
  return n;
}

ResnetBlock ResnetBlock::load(io::WeightReader& params, const std::string& prefix, int in_channels,
                              int out_channels) {
  ResnetBlock b;
  const auto same = nn::Conv2dPadding::same(1);
  b.norm1 = load_group_norm(params, prefix + ".norm1", in_channels);
  b.conv1 = load_conv(params, prefix + ".conv1", in_channels, out_channels, 3, 1, same);
  b.norm2 = load_group_norm(params, prefix + ".norm2", out_channels);
  b.conv2 = load_conv(params, prefix + ".conv2", out_channels, out_channels, 3, 1, same);
  b.has_shortcut = in_channels != out_channels;
  if (b.has_shortcut)
    b.nin_shortcut = load_conv(params, prefix + ".nin_shortcut", in_channels, out_channels, 1, 1, {});
  return b;
}

Tensor ResnetBlock::forward(const Tensor& x) const {
  Tensor h = norm1.forward(x);
  nn::silu_inplace(h);
  h = conv1.forward(h);
  h = norm2.forward(h);
  nn::silu_inplace(h);
  h = conv2.forward(h);
  const Tensor shortcut = has_shortcut ? nin_shortcut.forward(x) : Tensor();
  const std::vector<float>& s = has_shortcut ? shortcut.data : x.data;
  for (size_t i = 0; i < h.data.size(); ++i) h.data[i] += s[i];
  return h;
}

AttnBlock AttnBlock::load(io::WeightReader& params, const std::string& prefix, int channels) {
  AttnBlock a;
  a.norm = load_group_norm(params, prefix + ".norm", channels);
  a.qkv = load_conv(params, prefix + ".qkv", channels, 3 * channels, 1, 1, {});
  a.proj_out = load_conv(params, prefix + ".proj_out", channels, channels, 1, 1, {});
  return a;
}

Tensor AttnBlock::forward(const Tensor& x) const {
  const int64_t B = x.dim(0), C = x.dim(1), N = x.dim(2) * x.dim(3);
  const Tensor qkv_map = qkv.forward(norm.forward(x));  // (B, 3C, H, W)
  Tensor h(x.shape);
  const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(C)));
  for (int64_t b = 0; b < B; ++b) {
    const float* base = qkv_map.ptr() + b * 3 * C * N;
    // Channel-major (C, N) views of q, k, v.
    Eigen::Map<const RowMatrixF> q(base, C, N), k(base + C * N, C, N), v(base + 2 * C * N, C, N);
    RowMatrixF scores = (q.transpose() * k) * scale;  // (N queries, N keys)
    for (int64_t i = 0; i < N; ++i) {
      auto row = scores.row(i);
      const float m = row.maxCoeff();
      row = (row.array() - m).exp();
      row /= row.sum();
    }
    // h[c, i] = sum_j v[c, j] p[i, j]
    Eigen::Map<RowMatrixF>(h.ptr() + b * C * N, C, N).noalias() = v * scores.transpose();
  }
  Tensor out = proj_out.forward(h);
  for (size_t i = 0; i < out.data.size(); ++i) out.data[i] += x.data[i];
  return out;
}

Downsample2x Downsample2x::load(io::WeightReader& params, const std::string& prefix, int channels) {
  return {load_conv(params, prefix + ".conv", channels, channels, 3, 2, {0, 1, 0, 1})};
}

Upsample2x Upsample2x::load(io::WeightReader& params, const std::string& prefix, int channels) {
  return {load_conv(params, prefix + ".conv", channels, channels, 3, 1, nn::Conv2dPadding::same(1))};
}

Tensor Upsample2x::forward(const Tensor& x) const { return conv.forward(nn::upsample_nearest2x(x)); }

}  // namespace vs::nn
