// `exact`: softmax attention out = D⁻¹ A V with A = exp(τ QKᵀ) ∘ M (theory §1.3), computed
// tile by tile with an online ("streaming") softmax so that nothing Lq x Lk exists unless
// probabilities are requested. Each thread holds one logit tile, and each query row carries
// its running maximum m and running row sum l; when a later key tile raises m, the partial
// sum and the partial output of that row are rescaled by exp(m_old − m_new). Extra memory:
// one tile and a few row vectors per thread (kept across calls), independent of L.
//
// Every structure is a key prefix per query (structure.h), so a query tile only visits keys
// [0, visible of its last row): masked blocks are never computed. Large tiles are cut inside
// a query run and need no mask; only causal diagonal blocks, and the one tile that gathers
// the smallest VAR scales, mask a prefix of rows per key column. Probabilities, when requested, are
// a second pass over the requested rows with the final m and l.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "core/attention/attention.h"
#include "core/attention/variants.h"
#include "core/memory_budget.h"
#include "core/parallel.h"

namespace vs::attention {
namespace {

// Tile sizes chosen by measurement (L = 4096, d = 64 and the VAR benchmark at d = 8; 64,
// 128, 256 x 256, 512 tried): the logit tile (128 x 512 floats = 256 KiB) stays in L2
// between the two GEMMs that touch it.
constexpr int64_t kQueryTile = 128;
constexpr int64_t kKeyTile = 512;
// Below this many multiply-adds (pairs · (d + dv)) the call stays on the calling thread:
// waking a thread team costs more than it saves.
constexpr double kParallelWork = double(1 << 18);

// A unit of parallel work: consecutive query rows of one head, seeing key prefixes that
// grow from keys_first (first row) to keys_last (last row).
struct QueryTile {
  int64_t head, row_begin, row_end;
  int64_t keys_first, keys_last;  // visible keys of the first and of the last row
};

std::vector<QueryTile> cut_query_tiles(const Structure& structure, int64_t heads, int64_t lq,
                                       int64_t lk) {
  // Row ranges to cut into tiles. Causal: every row differs, so cut plainly and mask.
  // Otherwise one range per query run, except that consecutive small runs (the coarse VAR
  // scales) share one masked tile while that costs at most twice their visible pairs: one
  // efficient tile beats many tiny ones.
  std::vector<std::pair<int64_t, int64_t>> ranges;
  if (structure.kind == MaskKind::kCausal) {
    if (lq > 0) ranges.push_back({0, lq});
  } else {
    double group_pairs = 0;
    for (const auto& run : structure.query_runs(lq, lk)) {
      const double run_pairs = double(run.row_end - run.row_begin) * run.visible_keys;
      if (!ranges.empty()) {
        const int64_t merged_rows = run.row_end - ranges.back().first;
        const double merged_area = double(merged_rows) * run.visible_keys;
        if (merged_rows <= kQueryTile && merged_area <= 2 * (group_pairs + run_pairs)) {
          ranges.back().second = run.row_end;
          group_pairs += run_pairs;
          continue;
        }
      }
      ranges.push_back({run.row_begin, run.row_end});
      group_pairs = run_pairs;
    }
  }
  std::vector<QueryTile> tiles;
  for (int64_t h = 0; h < heads; ++h) {
    for (const auto& [begin, end] : ranges) {
      // Equal parts no larger than kQueryTile, so a run of 65 rows is not cut 64 + 1.
      const int64_t parts = (end - begin + kQueryTile - 1) / kQueryTile;
      for (int64_t p = 0; p < parts; ++p) {
        const int64_t r0 = begin + (end - begin) * p / parts;
        const int64_t r1 = begin + (end - begin) * (p + 1) / parts;
        tiles.push_back({h, r0, r1, structure.visible_keys(r0, lq, lk),
                         structure.visible_keys(r1 - 1, lq, lk)});
      }
    }
  }
  // Largest first, so the dynamic schedule ends with small tiles (balanced finish).
  std::stable_sort(tiles.begin(), tiles.end(), [](const QueryTile& a, const QueryTile& b) {
    return (a.row_end - a.row_begin) * a.keys_last > (b.row_end - b.row_begin) * b.keys_last;
  });
  return tiles;
}

// Per-thread buffers, kept by each thread across calls (thread_scratch) so that a call
// neither allocates nor page-faults: that matters for small L. The logit tile is column-major
// (one column per key) so that everything per query row — max, shift, exp, sum, rescale —
// runs vectorised down the columns, and P·V is a GEMM whose left operand packs by plain
// copies. Columns start 64-byte aligned and the exp runs over whole SIMD packets.
constexpr int64_t kPacket = 16;
static_assert(kQueryTile % kPacket == 0, "logit columns must be whole packets");
using LogitTile = Eigen::Map<Eigen::MatrixXf, Eigen::Aligned64, Eigen::OuterStride<kQueryTile>>;
using AlignedColumn = Eigen::Map<Eigen::ArrayXf, Eigen::Aligned64>;

float* align_to_64_bytes(float* p) {
  const auto address = reinterpret_cast<std::uintptr_t>(p);
  return reinterpret_cast<float*>((address + 63) & ~std::uintptr_t(63));
}

struct TileScratch {
  RowMatrixF scaled_q;                     // (kQueryTile, d): τ·q rows of the tile
  std::unique_ptr<float[]> logit_storage;  // uninitialised: padding-row junk reaches no result
  // (kQueryTile, kKeyTile) column-major, 64-byte aligned: logits, then exp(logit − m).
  float* logits;
  Eigen::MatrixXf partial_out;       // (kQueryTile, dv) column-major: unnormalised output rows
  Eigen::ArrayXf row_max;            // (kQueryTile): running m per row
  Eigen::ArrayXf row_sum;            // (kQueryTile): running l per row
  Eigen::ArrayXf new_max;            // (kQueryTile): m after this key block
  Eigen::ArrayXf block_max;          // (kQueryTile): per-row max of this block's logits
  Eigen::ArrayXf block_min;          // (kQueryTile): per-row min (for max |logit|)
  Eigen::ArrayXf block_sum;          // (kQueryTile): per-row sum of this block's exp
  Eigen::ArrayXf rescale;            // (kQueryTile): exp(m_old − m_new) per row
  std::vector<int64_t> hidden_rows;  // (kKeyTile): rows of a masked block that miss key j
  TileScratch()
      : logit_storage(new float[kQueryTile * kKeyTile + kPacket]),
        logits(align_to_64_bytes(logit_storage.get())),
        row_max(kQueryTile),
        row_sum(kQueryTile),
        new_max(Eigen::ArrayXf::Zero(kQueryTile)),
        block_max(kQueryTile),
        block_min(kQueryTile),
        block_sum(kQueryTile),
        rescale(kQueryTile),
        hidden_rows(kKeyTile) {}
};

// This thread's scratch, shaped for head dims d and dv (Eigen reallocates only on a change
// of size).
TileScratch& thread_scratch(int64_t d, int64_t dv) {
  thread_local TileScratch scratch;
  scratch.scaled_q.resize(kQueryTile, d);
  scratch.partial_out.resize(kQueryTile, dv);
  return scratch;
}

struct Problem {
  const float* q;  // (H, Lq, d)
  const float* k;  // (H, Lk, d)
  const float* v;  // (H, Lk, dv)
  float* out;      // (H, Lq, dv)
  float* probs;    // (H, prob_end − prob_begin, Lk) or null
  int64_t lq, lk, d, dv, prob_begin, prob_end;
  float scale;
  const Structure* structure;
};

// Keys of [key_begin, key_begin + key_count) visible to tile row `row` (0-based in the tile).
int64_t visible_in_block(const Problem& p, const QueryTile& t, int64_t row, int64_t key_begin,
                         int64_t key_count) {
  if (key_begin + key_count <= t.keys_first) return key_count;
  const int64_t visible = p.structure->visible_keys(t.row_begin + row, p.lq, p.lk);
  return std::clamp<int64_t>(visible - key_begin, 0, key_count);
}

// Online-softmax pass over the visible keys of one query tile; writes the tile's output rows
// and returns max |logit| over visible pairs. Leaves the final m and l per row in scratch.
float attend_tile(const Problem& p, const QueryTile& t, TileScratch& w) {
  constexpr float kMinusInf = -std::numeric_limits<float>::infinity();
  const int64_t rows = t.row_end - t.row_begin;
  const int64_t padded_rows = (rows + kPacket - 1) / kPacket * kPacket;
  w.scaled_q.topRows(rows) =
      ConstMapMatrixF(p.q + (t.head * p.lq + t.row_begin) * p.d, rows, p.d) * p.scale;
  const auto scaled_q = w.scaled_q.topRows(rows);
  auto out = w.partial_out.topRows(rows);  // (rows, dv)
  out.setZero();
  auto row_max = w.row_max.head(rows), row_sum = w.row_sum.head(rows),
       new_max = w.new_max.head(rows);
  row_max.setConstant(kMinusInf);
  row_sum.setZero();
  float max_abs_logit = 0.0f;

  for (int64_t key_begin = 0; key_begin < t.keys_last; key_begin += kKeyTile) {
    const int64_t keys = std::min(kKeyTile, t.keys_last - key_begin);
    ConstMapMatrixF k(p.k + (t.head * p.lk + key_begin) * p.d, keys, p.d);    // (keys, d)
    ConstMapMatrixF v(p.v + (t.head * p.lk + key_begin) * p.dv, keys, p.dv);  // (keys, dv)
    LogitTile logits(w.logits, rows, keys);                                   // (rows, keys)
    logits.noalias() = scaled_q * k.transpose();
    // Column sweeps over whole packets of rows (padding rows hold junk whose results go unused).
    auto column = [&](int64_t j) { return AlignedColumn(w.logits + j * kQueryTile, padded_rows); };
    auto block_max = w.block_max.head(padded_rows), block_min = w.block_min.head(padded_rows);
    auto block_sum = w.block_sum.head(padded_rows);
    const bool masked = key_begin + keys > t.keys_first;
    if (masked) {
      // A causal diagonal block. Visible prefixes grow with the row, so the rows that may
      // not see key j are a prefix [0, hidden_rows[j]) of column j: fill it with +inf for
      // the min, then −inf for the max and the exp, so both skip masked pairs.
      int64_t hidden = 0;
      for (int64_t j = 0; j < keys; ++j) {
        while (hidden < rows && visible_in_block(p, t, hidden, key_begin, keys) <= j) ++hidden;
        w.hidden_rows[j] = hidden;
      }
      auto hide = [&](float value) {
        for (int64_t j = 0; j < keys; ++j) column(j).head(w.hidden_rows[j]).setConstant(value);
      };
      hide(std::numeric_limits<float>::infinity());
      block_min = column(0);
      for (int64_t j = 1; j < keys; ++j) block_min = block_min.min(column(j));
      hide(kMinusInf);
      block_max = column(0);
      for (int64_t j = 1; j < keys; ++j) block_max = block_max.max(column(j));
    } else {
      block_max = column(0);
      block_min = column(0);
      for (int64_t j = 1; j < keys; ++j) {
        block_max = block_max.max(column(j));
        block_min = block_min.min(column(j));
      }
    }
    // Rows seeing nothing here have max −inf and min +inf: neither counts.
    max_abs_logit = std::max(
        {max_abs_logit, block_max.head(rows).maxCoeff(), -block_min.head(rows).minCoeff()});
    new_max = row_max.max(block_max.head(rows));
    block_sum.setZero();
    for (int64_t j = 0; j < keys; ++j) {
      auto c = column(j);
      c = (c - w.new_max.head(padded_rows)).exp();
      // Masked pairs weigh exactly 0 (vectorised exp(−inf) may leave a denormal).
      if (masked) c.head(w.hidden_rows[j]).setZero();
      block_sum += c;
    }
    // Rows that saw no key before have m = −inf and nothing to rescale (l = 0, out = 0);
    // every row sees key 0 in the first block, so new_max is finite from then on.
    auto rescale = w.rescale.head(rows);
    rescale = (row_max - new_max).exp();
    row_sum = row_sum * rescale + w.block_sum.head(rows);
    out.array().colwise() *= rescale;
    out.noalias() += logits * v;
    row_max = new_max;
  }
  MapMatrixF(p.out + (t.head * p.lq + t.row_begin) * p.dv, rows, p.dv) =
      (out.array().colwise() / row_sum).matrix();
  return max_abs_logit;
}

// Exact probabilities of the tile's rows inside [prob_begin, prob_end), from the final m and
// l of attend_tile: p_ij = exp(τ q_i·k_j − m_i) / l_i on visible keys, 0 elsewhere.
void write_tile_probs(const Problem& p, const QueryTile& t, TileScratch& w) {
  const int64_t first = std::max(t.row_begin, p.prob_begin);
  const int64_t last = std::min(t.row_end, p.prob_end);
  if (first >= last) return;
  const int64_t rows = last - first, offset = first - t.row_begin;
  const auto scaled_q = w.scaled_q.middleRows(offset, rows);
  const int64_t prob_rows = p.prob_end - p.prob_begin;
  for (int64_t key_begin = 0; key_begin < t.keys_last; key_begin += kKeyTile) {
    const int64_t keys = std::min(kKeyTile, t.keys_last - key_begin);
    ConstMapMatrixF k(p.k + (t.head * p.lk + key_begin) * p.d, keys, p.d);
    LogitTile logits(w.logits, rows, keys);
    logits.noalias() = scaled_q * k.transpose();
    for (int64_t i = 0; i < rows; ++i) {
      const int64_t visible = visible_in_block(p, t, offset + i, key_begin, keys);
      float* dst = p.probs + (t.head * prob_rows + first + i - p.prob_begin) * p.lk + key_begin;
      Eigen::Map<Eigen::RowVectorXf>(dst, visible) =
          ((logits.row(i).head(visible).array() - w.row_max[offset + i]).exp() /
           w.row_sum[offset + i])
              .matrix();
    }
  }
}

class ExactAttention : public Variant {
 public:
  std::string spec() const override { return "exact"; }

  Result run(const Tensor& q, const Tensor& k, const Tensor& v, const Structure& structure,
             const Options& options) const override {
    const Dims dims = validate_inputs("exact attention", q, k, v, structure, options);
    Result result;
    result.out = Tensor({dims.heads, dims.num_queries, dims.value_dim});
    Problem p{};
    p.q = q.ptr();
    p.k = k.ptr();
    p.v = v.ptr();
    p.out = result.out.ptr();
    p.lq = dims.num_queries;
    p.lk = dims.num_keys;
    p.d = dims.head_dim;
    p.dv = dims.value_dim;
    p.scale = resolved_scale(options, dims.head_dim);
    p.structure = &structure;
    if (options.capture_probs) {
      p.prob_begin = options.prob_row_begin;
      p.prob_end = options.prob_row_end;
      result.probs = Tensor({dims.heads, p.prob_end - p.prob_begin, dims.num_keys});
      p.probs = result.probs.ptr();
    }
    const std::vector<QueryTile> tiles = cut_query_tiles(structure, dims.heads, p.lq, p.lk);
    double work = 0;
    for (const auto& t : tiles)
      work += double(t.row_end - t.row_begin) * t.keys_last * (p.d + p.dv);
    // Each thread's tile scratch (TileScratch), checked before any thread allocates it.
    const double threads = work >= kParallelWork ? omp_get_max_threads() : 1;
    check_memory(threads * sizeof(float) * (double(kQueryTile) * (p.d + p.dv) + kQueryTile * kKeyTile + kPacket),
                 "exact attention");

    float max_abs_logit = 0.0f;
    ParallelErrors errors("exact attention");
#pragma omp parallel if (work >= kParallelWork) reduction(max : max_abs_logit)
    {
      // Our tiles are the unit of parallelism; Eigen must not fork inside them. This sets
      // the ICV of this region's implicit task only, not the caller's.
      omp_set_num_threads(1);
      TileScratch* scratch = nullptr;
      errors.run([&] { scratch = &thread_scratch(p.d, p.dv); });
#pragma omp for schedule(dynamic, 1)
      for (size_t i = 0; i < tiles.size(); ++i) errors.run([&] {
        max_abs_logit = std::max(max_abs_logit, attend_tile(p, tiles[i], *scratch));
        if (p.probs) write_tile_probs(p, tiles[i], *scratch);
      });
    }
    errors.rethrow_if_failed();
    result.stats["max_abs_logit"] = max_abs_logit;
    return result;
  }
};

}  // namespace

std::unique_ptr<Variant> make_exact(SpecParams& params) {
  params.expect_all_used();
  return std::make_unique<ExactAttention>();
}

}  // namespace vs::attention
