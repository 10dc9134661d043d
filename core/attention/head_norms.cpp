#include "core/attention/head_norms.h"

#include <omp.h>

#include <algorithm>
#include <cmath>

#include "core/attention/query_blocks.h"
#include "core/error.h"
#include "core/parallel.h"

namespace vs::attention {

// QKᵀ tiles of (128 rows × 2048 keys): large enough for an efficient GEMM, small enough
// (1 MB) for the cache.
constexpr int64_t kRowsPerBlock = 128;
constexpr int64_t kKeysPerTile = 2048;
// Below this many flops threads cost more than they save (see poly.cpp).
constexpr double kParallelFlops = 2e7;

std::vector<HeadNorms> head_norms(const Tensor& q, const Tensor& k, const Structure& structure,
                                  double scale) {
  if (q.rank() != 3 || k.rank() != 3 || q.dim(0) != k.dim(0) || q.dim(2) != k.dim(2))
    throw Error("head norms: q and k must have shapes [H, Lq, d] and [H, Lk, d], got q " +
                q.shape_str() + ", k " + k.shape_str());
  const int64_t H = q.dim(0), Lq = q.dim(1), Lk = k.dim(1), d = q.dim(2);
  structure.validate(Lq, Lk);
  if (scale < 0) scale = 1.0 / std::sqrt(double(std::max<int64_t>(1, d)));
  const std::vector<QueryBlock> blocks = query_blocks(structure, Lq, Lk, kRowsPerBlock);

  // One task per (head, query block), each tiling its visible keys, so that a single
  // head (a KV-cache step, one layer's gauge) still uses every core.
  const int64_t B = static_cast<int64_t>(blocks.size());
  std::vector<float> task_max(H * B, 0.0f);  // max |q·k| per (head, block)
  double flops = 0;
  for (const QueryBlock& block : blocks)
    flops += 2.0 * double(H) * double(block.row_end - block.row_begin) * double(block.keys_max) * double(d);
  ParallelErrors errors("head norms");
#pragma omp parallel if (flops >= kParallelFlops)
  {
    omp_set_num_threads(1);  // our tasks are the parallelism; Eigen must not fork inside
    RowMatrixF dots;         // (rows of the block, keys of the tile)
#pragma omp for schedule(dynamic, 1)
    for (int64_t task = 0; task < H * B; ++task) errors.run([&] {
      const int64_t h = task / B;
      const QueryBlock& block = blocks[task % B];
      ConstMapMatrixF queries(q.ptr() + h * Lq * d, Lq, d);  // (Lq, d)
      ConstMapMatrixF keys(k.ptr() + h * Lk * d, Lk, d);     // (Lk, d)
      const int64_t rows = block.row_end - block.row_begin;
      float max_dot = 0.0f;
      for (int64_t tile = 0; tile < block.keys_max; tile += kKeysPerTile) {
        const int64_t width = std::min(kKeysPerTile, block.keys_max - tile);
        dots.noalias() = queries.middleRows(block.row_begin, rows) *
                         keys.middleRows(tile, width).transpose();
        if (tile + width <= block.keys_min) {  // every row sees the whole tile
          max_dot = std::max(max_dot, dots.cwiseAbs().maxCoeff());
          continue;
        }
        for (int64_t i = 0; i < rows; ++i) {
          const int64_t visible =
              std::min(width, structure.visible_keys(block.row_begin + i, Lq, Lk) - tile);
          if (visible > 0) max_dot = std::max(max_dot, dots.row(i).head(visible).cwiseAbs().maxCoeff());
        }
      }
      task_max[task] = max_dot;
    });
  }
  errors.rethrow_if_failed();

  std::vector<HeadNorms> heads(H);
  for (int64_t h = 0; h < H; ++h) {
    ConstMapMatrixF queries(q.ptr() + h * Lq * d, Lq, d);  // (Lq, d)
    ConstMapMatrixF keys(k.ptr() + h * Lk * d, Lk, d);     // (Lk, d)
    HeadNorms& norms = heads[h];
    norms.max_abs_q = Lq ? queries.cwiseAbs().maxCoeff() : 0.0;
    norms.max_abs_k = Lk ? keys.cwiseAbs().maxCoeff() : 0.0;
    norms.r_qk = std::max(norms.max_abs_q, norms.max_abs_k);
    float max_dot = 0.0f;
    for (int64_t b = 0; b < B; ++b) max_dot = std::max(max_dot, task_max[h * B + b]);
    norms.beta = scale * double(max_dot);
    norms.b_eff = std::sqrt(norms.beta);
    norms.threshold = theory::log_threshold(Lk);
    norms.ratio = theory::threshold_ratio(norms.beta, Lk);
    norms.zone = theory::zone_for_ratio(norms.ratio);
  }
  return heads;
}

}  // namespace vs::attention
