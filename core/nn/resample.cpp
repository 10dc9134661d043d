#include "core/nn/resample.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"

namespace vs::nn {
namespace {

constexpr float kCubicA = -0.75f;  // PyTorch's bicubic constant (§2.4)

void check_map(const Tensor& x, int out_h, int out_w, const char* what) {
  if (x.rank() != 4)
    throw Error(std::string(what) + ": expected a (B, C, H, W) map, found " + x.shape_str());
  if (x.numel() != shape_numel(x.shape))
    throw Error(std::string(what) + ": tensor data does not match its shape " + x.shape_str());
  if (x.dim(2) < 1 || x.dim(3) < 1 || out_h < 1 || out_w < 1)
    throw Error(std::string(what) + ": cannot resample " + x.shape_str() + " to " +
                std::to_string(out_h) + "x" + std::to_string(out_w));
  if (int64_t(out_h) * out_w > (int64_t(1) << 26))
    throw Error(std::string(what) + ": output side " + std::to_string(out_h) + "x" +
                std::to_string(out_w) + " is larger than this build accepts");
}

// Taps and weights of one output coordinate along one axis.
struct CubicTaps {
  int index[4];
  float weight[4];
};

// PyTorch computes the source coordinate in the input's scalar type (float here):
// scale = n_in / n_out, x = scale * (o + 0.5) - 0.5, not clamped for cubic.
std::vector<CubicTaps> cubic_taps(int n_in, int n_out) {
  const float scale = static_cast<float>(n_in) / static_cast<float>(n_out);
  std::vector<CubicTaps> taps(n_out);
  for (int o = 0; o < n_out; ++o) {
    const float x = scale * (static_cast<float>(o) + 0.5f) - 0.5f;
    const float x0 = std::floor(x);
    const int i0 = static_cast<int>(x0);
    bicubic_weights(x - x0, taps[o].weight);
    for (int k = 0; k < 4; ++k) taps[o].index[k] = std::clamp(i0 - 1 + k, 0, n_in - 1);
  }
  return taps;
}

}  // namespace

void bicubic_weights(float t, float w[4]) {
  const float A = kCubicA;
  auto c1 = [A](float s) { return ((A + 2) * s - (A + 3)) * s * s + 1; };      // |s| <= 1
  auto c2 = [A](float s) { return ((A * s - 5 * A) * s + 8 * A) * s - 4 * A; };  // 1 < |s| < 2
  w[0] = c2(t + 1);
  w[1] = c1(t);
  w[2] = c1(1 - t);
  w[3] = c2(2 - t);
}

Tensor interpolate_bicubic(const Tensor& x, int out_h, int out_w) {
  check_map(x, out_h, out_w, "bicubic interpolation");
  const int64_t planes = x.dim(0) * x.dim(1);
  const int in_h = static_cast<int>(x.dim(2)), in_w = static_cast<int>(x.dim(3));
  const auto taps_h = cubic_taps(in_h, out_h);
  const auto taps_w = cubic_taps(in_w, out_w);
  Tensor y({x.dim(0), x.dim(1), out_h, out_w});
#pragma omp parallel for schedule(static) if (planes * out_h * out_w > 16384)
  for (int64_t p = 0; p < planes; ++p) {
    const float* src = x.ptr() + p * in_h * in_w;
    float* dst = y.ptr() + p * out_h * out_w;
    for (int oh = 0; oh < out_h; ++oh) {
      const CubicTaps& th = taps_h[oh];
      for (int ow = 0; ow < out_w; ++ow) {
        const CubicTaps& tw = taps_w[ow];
        // Interpolate along w within each of the four rows, then along h.
        float acc = 0.0f;
        for (int a = 0; a < 4; ++a) {
          const float* row = src + int64_t(th.index[a]) * in_w;
          const float along_w = row[tw.index[0]] * tw.weight[0] + row[tw.index[1]] * tw.weight[1] +
                                row[tw.index[2]] * tw.weight[2] + row[tw.index[3]] * tw.weight[3];
          acc += along_w * th.weight[a];
        }
        dst[int64_t(oh) * out_w + ow] = acc;
      }
    }
  }
  return y;
}

Tensor interpolate_area(const Tensor& x, int out_h, int out_w) {
  check_map(x, out_h, out_w, "area interpolation");
  const int64_t planes = x.dim(0) * x.dim(1);
  const int in_h = static_cast<int>(x.dim(2)), in_w = static_cast<int>(x.dim(3));
  // Adaptive average pooling bins [floor(o*in/out), ceil((o+1)*in/out)); they overlap
  // when out does not divide in (§2.4).
  auto bin_start = [](int o, int n_in, int n_out) { return int(int64_t(o) * n_in / n_out); };
  auto bin_end = [](int o, int n_in, int n_out) {
    return int((int64_t(o + 1) * n_in + n_out - 1) / n_out);
  };
  Tensor y({x.dim(0), x.dim(1), out_h, out_w});
#pragma omp parallel for schedule(static) if (planes * in_h * in_w > 65536)
  for (int64_t p = 0; p < planes; ++p) {
    const float* src = x.ptr() + p * in_h * in_w;
    float* dst = y.ptr() + p * out_h * out_w;
    for (int oh = 0; oh < out_h; ++oh) {
      const int h0 = bin_start(oh, in_h, out_h), h1 = bin_end(oh, in_h, out_h);
      for (int ow = 0; ow < out_w; ++ow) {
        const int w0 = bin_start(ow, in_w, out_w), w1 = bin_end(ow, in_w, out_w);
        float sum = 0.0f;
        for (int h = h0; h < h1; ++h)
          for (int w = w0; w < w1; ++w) sum += src[int64_t(h) * in_w + w];
        dst[int64_t(oh) * out_w + ow] = sum / static_cast<float>((h1 - h0) * (w1 - w0));
      }
    }
  }
  return y;
}

Tensor upsample_nearest2x(const Tensor& x) {
  if (x.rank() != 4) throw Error("nearest x2 upsample: expected (B, C, H, W), found " + x.shape_str());
  const int64_t planes = x.dim(0) * x.dim(1), in_h = x.dim(2), in_w = x.dim(3);
  check_map(x, static_cast<int>(std::min<int64_t>(2 * in_h, 1 << 30)),
            static_cast<int>(std::min<int64_t>(2 * in_w, 1 << 30)), "nearest x2 upsample");
  Tensor y({x.dim(0), x.dim(1), 2 * in_h, 2 * in_w});
#pragma omp parallel for schedule(static) if (planes * in_h * in_w > 65536)
  for (int64_t p = 0; p < planes; ++p) {
    const float* src = x.ptr() + p * in_h * in_w;
    float* dst = y.ptr() + p * 4 * in_h * in_w;
    for (int64_t oh = 0; oh < 2 * in_h; ++oh) {
      const float* row = src + (oh / 2) * in_w;
      float* out = dst + oh * 2 * in_w;
      for (int64_t ow = 0; ow < 2 * in_w; ++ow) out[ow] = row[ow / 2];
    }
  }
  return y;
}

}  // namespace vs::nn
