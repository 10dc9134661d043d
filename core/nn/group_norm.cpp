#include "core/nn/group_norm.h"

#include <cmath>
#include <string>

#include "core/error.h"

namespace vs::nn {

Tensor group_norm(const Tensor& x, int groups, const Tensor& weight, const Tensor& bias,
                  float eps, const char* what) {
  if (x.rank() < 2) throw Error(std::string(what) + ": expected (B, C, ...), found " + x.shape_str());
  if (x.numel() != shape_numel(x.shape))
    throw Error(std::string(what) + ": tensor data does not match its shape " + x.shape_str());
  const int64_t batch = x.dim(0), channels = x.dim(1);
  if (groups < 1 || channels % groups != 0)
    throw Error(std::string(what) + ": " + std::to_string(channels) + " channels are not divisible into " +
                std::to_string(groups) + " groups");
  const bool affine = weight.numel() != 0;
  if (affine && (weight.numel() != channels || bias.numel() != channels))
    throw Error(std::string(what) + ": weight " + weight.shape_str() + " / bias " + bias.shape_str() +
                " do not match " + std::to_string(channels) + " channels");
  const int64_t spatial = (batch && channels) ? x.numel() / (batch * channels) : 0;
  const int64_t per_group = channels / groups;
  const int64_t group_size = per_group * spatial;
  Tensor y(x.shape);
  if (group_size == 0) return y;
#pragma omp parallel for schedule(static) if (x.numel() > 65536)
  for (int64_t bg = 0; bg < batch * groups; ++bg) {
    const int64_t b = bg / groups, g = bg % groups;
    const int64_t offset = (b * channels + g * per_group) * spatial;
    const float* src = x.ptr() + offset;
    float* dst = y.ptr() + offset;
    // Two passes in double: the group can hold ~10^6 values at 256 px.
    double sum = 0.0;
    for (int64_t i = 0; i < group_size; ++i) sum += src[i];
    const double mean = sum / double(group_size);
    double sq = 0.0;
    for (int64_t i = 0; i < group_size; ++i) sq += (src[i] - mean) * (src[i] - mean);
    const double inv_std = 1.0 / std::sqrt(sq / double(group_size) + double(eps));
    // (x - mean) * scale + beta rather than x * scale + shift: the latter loses digits when
    // |mean| is large against the spread.
    const float m = static_cast<float>(mean);
    for (int64_t c = 0; c < per_group; ++c) {
      const int64_t ch = g * per_group + c;
      const float s = static_cast<float>(affine ? inv_std * weight.data[ch] : inv_std);
      const float beta = affine ? bias.data[ch] : 0.0f;
      const float* in = src + c * spatial;
      float* out = dst + c * spatial;
      for (int64_t i = 0; i < spatial; ++i) out[i] = (in[i] - m) * s + beta;
    }
  }
  return y;
}

}  // namespace vs::nn
