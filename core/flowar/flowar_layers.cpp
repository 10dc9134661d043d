#include "core/flowar/flowar_layers.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "core/error.h"
#include "core/nn/activations.h"
#include "core/nn/linear.h"
#include "core/observe/attend.h"

namespace vs::flowar {

namespace {

constexpr double kRmsEps = 1e-6;

float inverse_rms(const float* x, int64_t C) {
  double sq = 0;
  for (int64_t c = 0; c < C; ++c) sq += double(x[c]) * x[c];
  return float(1.0 / std::sqrt(sq / double(C) + kRmsEps));
}

// Pointer to the modulation vectors of token t (0 ≤ t < R·n): per row or per token.
const float* ada_row(const Tensor& x, const Tensor& ada, int64_t t) {
  const int64_t n = x.dim(1);
  if (ada.rank() == 3) return ada.ptr() + t * ada.dim(2);
  return ada.ptr() + (t / n) * ada.dim(1);
}

void check_ada(const Tensor& x, const Tensor& ada, int chunks_needed, const char* who) {
  const int64_t R = x.dim(0), n = x.dim(1), C = x.dim(2);
  const bool per_row = ada.rank() == 2 && ada.dim(0) == R && ada.dim(1) % C == 0;
  const bool per_token = ada.rank() == 3 && ada.dim(0) == R && ada.dim(1) == n && ada.dim(2) % C == 0;
  if (!(per_row || per_token) || ada.dim(ada.rank() - 1) / C < chunks_needed)
    throw Error(std::string(who) + ": modulation " + ada.shape_str() + " does not fit x " + x.shape_str());
}

}  // namespace

Tensor rms_norm(const Tensor& x, const Tensor* weight) {
  const int64_t C = x.shape.back(), rows = x.numel() / C;
  if (weight && weight->numel() != C)
    throw Error("RMSNorm: weight " + weight->shape_str() + " does not fit width " + std::to_string(C));
  Tensor y(x.shape);
#pragma omp parallel for schedule(static) if (rows * C > 32768)
  for (int64_t r = 0; r < rows; ++r) {
    const float* xi = x.ptr() + r * C;
    float* yi = y.ptr() + r * C;
    const float inv = inverse_rms(xi, C);
    for (int64_t c = 0; c < C; ++c) yi[c] = weight ? (xi[c] * inv) * weight->data[c] : xi[c] * inv;
  }
  return y;
}

Tensor modulated_rms_norm(const Tensor& x, const Tensor& ada, int scale_chunk, int shift_chunk) {
  check_ada(x, ada, std::max(scale_chunk, shift_chunk) + 1, "modulated RMSNorm");
  const int64_t R = x.dim(0), n = x.dim(1), C = x.dim(2);
  Tensor y(x.shape);
#pragma omp parallel for schedule(static) if (R * n * C > 32768)
  for (int64_t t = 0; t < R * n; ++t) {
    const float* xi = x.ptr() + t * C;
    const float* a = ada_row(x, ada, t);
    const float* scale = a + scale_chunk * C;
    const float* shift = a + shift_chunk * C;
    const float inv = inverse_rms(xi, C);
    float* yi = y.ptr() + t * C;
    for (int64_t c = 0; c < C; ++c) yi[c] = (xi[c] * inv) * (1.0f + scale[c]) + shift[c];
  }
  return y;
}

void add_gated(Tensor& x, const Tensor& y, const Tensor& ada, int chunk) {
  check_ada(x, ada, chunk + 1, "gated residual");
  const int64_t R = x.dim(0), n = x.dim(1), C = x.dim(2);
#pragma omp parallel for schedule(static) if (R * n * C > 32768)
  for (int64_t t = 0; t < R * n; ++t) {
    const float* gamma = ada_row(x, ada, t) + chunk * C;
    float* xi = x.ptr() + t * C;
    const float* yi = y.ptr() + t * C;
    for (int64_t c = 0; c < C; ++c) xi[c] += yi[c] * gamma[c];
  }
}

void add_inplace(Tensor& x, const Tensor& y) {
  if (x.shape != y.shape)
    throw Error("residual: " + y.shape_str() + " does not match " + x.shape_str());
  for (int64_t i = 0; i < x.numel(); ++i) x.data[i] += y.data[i];
}

void add_position_rows(Tensor& x, const Tensor& table, int64_t row_begin) {
  const int64_t R = x.dim(0), n = x.dim(1), C = x.dim(2);
  if (table.dim(-1) != C || row_begin + n > table.dim(-2))
    throw Error("position table " + table.shape_str() + ": rows [" + std::to_string(row_begin) +
                ", " + std::to_string(row_begin + n) + ") of width " + std::to_string(C) +
                " do not fit");
  const float* pos = table.ptr() + row_begin * C;
  for (int64_t r = 0; r < R; ++r) {
    float* xr = x.ptr() + r * n * C;
    for (int64_t i = 0; i < n * C; ++i) xr[i] += pos[i];
  }
}

Tensor swiglu_mlp(const Tensor& x, const SwiGluWeights& w) {
  Tensor gate = nn::linear(x, w.fc1_g_weight, &w.fc1_g_bias, "mlp.fc1_g");
  const Tensor value = nn::linear(x, w.fc1_x_weight, &w.fc1_x_bias, "mlp.fc1_x");
  float* g = gate.ptr();
  const float* v = value.ptr();
  const int64_t count = gate.numel();
#pragma omp parallel for schedule(static) if (count > 65536)
  for (int64_t i = 0; i < count; ++i) g[i] = nn::gelu_erf(g[i]) * v[i];
  return nn::linear(gate, w.fc2_weight, &w.fc2_bias, "mlp.fc2");
}

Tensor split_heads(const Tensor& x, int64_t r, int64_t column, int64_t heads, int64_t head_dim) {
  const int64_t n = x.dim(1), W = x.dim(2);
  Tensor out({heads, n, head_dim});
  const float* row = x.ptr() + r * n * W;
  for (int64_t t = 0; t < n; ++t)
    for (int64_t h = 0; h < heads; ++h)
      std::memcpy(out.ptr() + (h * n + t) * head_dim, row + t * W + column + h * head_dim,
                  sizeof(float) * head_dim);
  return out;
}

void merge_heads(const Tensor& heads_out, Tensor& out, int64_t r) {
  const int64_t H = heads_out.dim(0), n = heads_out.dim(1), hd = heads_out.dim(2), W = out.dim(2);
  float* dst = out.ptr() + r * n * W;
  for (int64_t h = 0; h < H; ++h)
    for (int64_t t = 0; t < n; ++t)
      std::memcpy(dst + t * W + h * hd, heads_out.ptr() + (h * n + t) * hd, sizeof(float) * hd);
}

Tensor run_attention(const attention::Variant& variant, observe::Observer* observer,
                     const observe::Site& site, const Tensor& q, const Tensor& k, const Tensor& v,
                     const std::vector<int>& key_sides) {
  // SDPA's default scale hd^-1/2.
  return observe::observed_attention(variant, observer, site, q, k, v, attention::Structure::plain(),
                                     1.0f / std::sqrt(float(q.dim(2))), key_sides)
      .out;
}

}  // namespace vs::flowar
