#include "core/flowar/rope.h"

#include <cmath>
#include <string>

#include "core/error.h"

namespace vs::flowar {

std::vector<float> rope_frequencies(int head_dim) {
  const int D = head_dim / 2;
  std::vector<float> f(head_dim / 4);
  // Reference: 1 / theta ** (arange(0, D, 2).float() / D), in float32.
  for (size_t j = 0; j < f.size(); ++j)
    f[j] = 1.0f / std::pow(10000.0f, float(2 * j) / float(D));
  return f;
}

RopeTable rope_table(const std::vector<float>& freqs, int side, int grid) {
  RopeTable t;
  t.side = side;
  t.head_dim = int(freqs.size()) * 4;
  const int hd = t.head_dim, half = hd / 2;
  const int64_t n = int64_t(side) * side;
  t.cos.resize(n * hd);
  t.sin.resize(n * hd);
  // Coordinates arange(s) / s · grid in float32, angles p · f in float32 (flowar.md §4).
  std::vector<float> coord(side);
  for (int i = 0; i < side; ++i) coord[i] = float(i) / float(side) * float(grid);
  for (int h = 0; h < side; ++h)
    for (int w = 0; w < side; ++w) {
      const int64_t token = int64_t(h) * side + w;
      float* c = t.cos.data() + token * hd;
      float* s = t.sin.data() + token * hd;
      for (int d = 0; d < hd; ++d) {
        const int within = d < half ? d : d - half;  // frequency list repeated pairwise
        const float angle = (d < half ? coord[h] : coord[w]) * freqs[within / 2];
        c[d] = std::cos(angle);
        s[d] = std::sin(angle);
      }
    }
  return t;
}

void apply_rope(Tensor& x, const RopeTable& table) {
  const int64_t H = x.dim(0), n = x.dim(1), hd = x.dim(2);
  if (hd != table.head_dim || n != int64_t(table.side) * table.side)
    throw Error("RoPE: tensor " + x.shape_str() + " does not fit a table of side " +
                std::to_string(table.side) + ", head dim " + std::to_string(table.head_dim));
  for (int64_t h = 0; h < H; ++h)
    for (int64_t i = 0; i < n; ++i) {
      float* v = x.ptr() + (h * n + i) * hd;
      const float* c = table.cos.data() + i * hd;
      const float* s = table.sin.data() + i * hd;
      for (int64_t m = 0; m < hd; m += 2) {
        const float a = v[m], b = v[m + 1];
        v[m] = a * c[m] - b * s[m];
        v[m + 1] = b * c[m + 1] + a * s[m + 1];
      }
    }
}

int side_of_tokens(int64_t n) {
  int64_t s = static_cast<int64_t>(std::sqrt(double(n)));
  while (s * s > n) --s;
  while ((s + 1) * (s + 1) <= n) ++s;
  return int(s);
}

}  // namespace vs::flowar
