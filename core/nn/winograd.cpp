#include "core/nn/winograd.h"

#include <algorithm>
#include <vector>

#include "core/nn/gemm.h"
#include "core/parallel.h"

namespace vs::nn {
namespace {

// Output tiles per chunk: the transformed input and products of a chunk (16 × channels ×
// tiles each) stay near 8 MiB at 128 channels instead of 4x the whole feature map.
constexpr int64_t kTilesPerChunk = 1024;

// U = G g Gᵀ for one 3×3 filter g, G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]; u[16] row-major.
void transform_filter(const float* g, float* u) {
  float t[4][3];
  for (int c = 0; c < 3; ++c) {
    const float g0 = g[c], g1 = g[3 + c], g2 = g[6 + c];
    t[0][c] = g0;
    t[1][c] = 0.5f * (g0 + g1 + g2);
    t[2][c] = 0.5f * (g0 - g1 + g2);
    t[3][c] = g2;
  }
  for (int r = 0; r < 4; ++r) {
    const float a = t[r][0], b = t[r][1], c = t[r][2];
    u[4 * r + 0] = a;
    u[4 * r + 1] = 0.5f * (a + b + c);
    u[4 * r + 2] = 0.5f * (a - b + c);
    u[4 * r + 3] = c;
  }
}

}  // namespace

bool winograd_applies(int64_t cin, int64_t cout, int64_t height, int64_t width, int64_t kernel_h,
                      int64_t kernel_w, int stride, bool pad_one_all_sides) {
  return kernel_h == 3 && kernel_w == 3 && stride == 1 && pad_one_all_sides && cin >= 32 && cout >= 32 &&
         height >= 4 && width >= 4;
}

void conv3x3_winograd(const float* x, int64_t cin, int64_t height, int64_t width, const float* weight,
                      int64_t cout, float* y) {
  const int64_t tiles_h = (height + 1) / 2, tiles_w = (width + 1) / 2;
  // The 16 transformed filter matrices, each (cout × cin).
  std::vector<float> u(size_t(16 * cout * cin));
#pragma omp parallel for schedule(static) if (cout * cin > 4096)
  for (int64_t oc = 0; oc < cout; ++oc)
    for (int64_t ic = 0; ic < cin; ++ic) {
      float t[16];
      transform_filter(weight + (oc * cin + ic) * 9, t);
      for (int xi = 0; xi < 16; ++xi) u[size_t((xi * cout + oc) * cin + ic)] = t[xi];
    }

  const int64_t rows_per_chunk = std::max<int64_t>(1, kTilesPerChunk / tiles_w);
  const int64_t padded_w = 2 * tiles_w + 2;  // one zero column left, the rest right
  std::vector<float> v, m;
  for (int64_t ty0 = 0; ty0 < tiles_h; ty0 += rows_per_chunk) {
    const int64_t rows = std::min(rows_per_chunk, tiles_h - ty0), tiles = rows * tiles_w;
    v.resize(size_t(16 * cin * tiles));
    m.resize(size_t(16 * cout * tiles));
    // V = Bᵀ d B, Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1], for every tile of a tile row
    // at once: the tile at tx reads padded input columns 2·tx … 2·tx + 3 of rows 2·ty − 1 …
    // 2·ty + 2 (the padding of 1), so each step below is a loop over tx that vectorises.
    ParallelErrors errors("winograd convolution");
#pragma omp parallel
    {
      std::vector<float> line, h;  // (4, padded_w); (16, tiles_w)
      errors.run([&] {
        line.resize(size_t(4 * padded_w));
        h.resize(size_t(16 * tiles_w));
      });
#pragma omp for schedule(static)
      for (int64_t ic = 0; ic < cin; ++ic) errors.run([&] {
        const float* plane = x + ic * height * width;
        for (int64_t ty = ty0; ty < ty0 + rows; ++ty) {
          for (int r = 0; r < 4; ++r) {
            float* row = line.data() + r * padded_w;
            const int64_t yy = 2 * ty - 1 + r;
            std::fill(row, row + padded_w, 0.0f);
            if (yy >= 0 && yy < height) std::copy(plane + yy * width, plane + (yy + 1) * width, row + 1);
          }
          for (int r = 0; r < 4; ++r) {  // horizontal: d B
            const float* row = line.data() + r * padded_w;
            float* h0 = h.data() + (4 * r) * tiles_w;
            float* h1 = h0 + tiles_w;
            float* h2 = h1 + tiles_w;
            float* h3 = h2 + tiles_w;
            for (int64_t tx = 0; tx < tiles_w; ++tx) {
              const float a = row[2 * tx], b = row[2 * tx + 1], c = row[2 * tx + 2], e = row[2 * tx + 3];
              h0[tx] = a - c;
              h1[tx] = b + c;
              h2[tx] = c - b;
              h3[tx] = b - e;
            }
          }
          const int64_t t0 = (ty - ty0) * tiles_w;
          for (int j = 0; j < 4; ++j) {  // vertical: Bᵀ (d B)
            const float* r0 = h.data() + (0 + j) * tiles_w;
            const float* r1 = h.data() + (4 + j) * tiles_w;
            const float* r2 = h.data() + (8 + j) * tiles_w;
            const float* r3 = h.data() + (12 + j) * tiles_w;
            float* v0 = v.data() + ((0 + j) * cin + ic) * tiles + t0;
            float* v1 = v.data() + ((4 + j) * cin + ic) * tiles + t0;
            float* v2 = v.data() + ((8 + j) * cin + ic) * tiles + t0;
            float* v3 = v.data() + ((12 + j) * cin + ic) * tiles + t0;
            for (int64_t tx = 0; tx < tiles_w; ++tx) {
              v0[tx] = r0[tx] - r2[tx];
              v1[tx] = r1[tx] + r2[tx];
              v2[tx] = r2[tx] - r1[tx];
              v3[tx] = r1[tx] - r3[tx];
            }
          }
        }
      });
    }
    errors.rethrow_if_failed();
    for (int xi = 0; xi < 16; ++xi)
      gemm(cout, tiles, cin, u.data() + xi * cout * cin, cin, v.data() + xi * cin * tiles, tiles,
           m.data() + xi * cout * tiles, tiles);
    // Y = Aᵀ m A, Aᵀ = [1 1 1 0; 0 1 −1 −1], a tile row at a time into two padded output rows.
#pragma omp parallel
    {
      std::vector<float> s, out_rows;  // (8, tiles_w); (2, 2 * tiles_w)
      errors.run([&] {
        s.resize(size_t(8 * tiles_w));
        out_rows.resize(size_t(2 * 2 * tiles_w));
      });
#pragma omp for schedule(static)
      for (int64_t oc = 0; oc < cout; ++oc) errors.run([&] {
        float* out = y + oc * height * width;
        for (int64_t ty = ty0; ty < ty0 + rows; ++ty) {
          const int64_t t0 = (ty - ty0) * tiles_w;
          for (int c = 0; c < 4; ++c) {  // vertical: Aᵀ m
            const float* m0 = m.data() + ((0 + c) * cout + oc) * tiles + t0;
            const float* m1 = m.data() + ((4 + c) * cout + oc) * tiles + t0;
            const float* m2 = m.data() + ((8 + c) * cout + oc) * tiles + t0;
            const float* m3 = m.data() + ((12 + c) * cout + oc) * tiles + t0;
            float* s0 = s.data() + c * tiles_w;
            float* s1 = s.data() + (4 + c) * tiles_w;
            for (int64_t tx = 0; tx < tiles_w; ++tx) {
              s0[tx] = m0[tx] + m1[tx] + m2[tx];
              s1[tx] = m1[tx] - m2[tx] - m3[tx];
            }
          }
          for (int r = 0; r < 2; ++r) {  // horizontal: (Aᵀ m) A
            const float* a = s.data() + (4 * r) * tiles_w;
            const float* b = a + tiles_w;
            const float* c = b + tiles_w;
            const float* e = c + tiles_w;
            float* o = out_rows.data() + r * 2 * tiles_w;
            for (int64_t tx = 0; tx < tiles_w; ++tx) {
              o[2 * tx] = a[tx] + b[tx] + c[tx];
              o[2 * tx + 1] = b[tx] - c[tx] - e[tx];
            }
            const int64_t oy = 2 * ty + r;
            if (oy < height) std::copy(o, o + width, out + oy * width);
          }
        }
      });
    }
    errors.rethrow_if_failed();
  }
}

}  // namespace vs::nn
