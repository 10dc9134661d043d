// `poly:degree=G[:basis=taylor|chebyshev][:form=auto|plain|squared]` and
// `poly:auto[:eps=E][:basis=…][:max_rank=R]` — the Alman–Song polynomial method (theory
// §2.3, §2.4, §2.7). The default basis of a fixed degree is taylor (the first
// example, `poly:degree=3`); chebyshev reaches a given error with less degree (Table A) and
// is what §7.2 recommends, and what poly:auto uses by default.
//
// Per head:
//  1. β̂ = τ·max_i‖q_i‖·max_j‖k_j‖ bounds every |logit| (Cauchy–Schwarz, O(L·d)), so the
//     degree-g polynomial P ≈ exp is fitted on [−β̂, β̂] (poly_fit.h: plain, or squared
//     where only that is provably positive).
//  2. Features U (queries) and W (keys) with exactly r = C(d+g, g) columns, U_i·W_j =
//     P(τ q_i·k_j) (poly_features.h), accumulated in double.
//  3. out_i = (U_i·S)[:dv] / (U_i·S)[dv] with S = Σ_{visible j} W_jᵀ[v_j, 1] (r × (dv+1)),
//     never forming L x L. Query blocks that see the same key prefix (one per VAR scale,
//     the whole input for plain) share one prefix state S — the prefix sum per scale of
//     §2.7, which also gives the KV-cache step (Lq < Lk) for free. Causal rows are grouped
//     64 at a time: their 64 partly visible keys go through a masked (64 × 64) block.
//     Cost O(L·r·(dv+1)), plus O(L·64·r) for causal.
//  Features are built on the fly, a few rows at a time, so no (L × r) matrix is stored:
//  memory is the prefix states plus per-thread blocks (and all of W when probabilities are
//  captured). The heads run one after another, each parallel inside, so a single head (the
//  benchmark, a KV-cache step) still uses every core.
//
// poly:auto picks the degree per call from the largest β̂ over the heads (choose_degree in
// poly_fit.h), within max_rank and the scratch limit; eps defaults to 1e−2 (Table A: degree
// 4 at β = 1 with Chebyshev), max_rank to 4096 (C(8+6, 6) = 3003 fits, C(64+2, 2) = 2145 at
// the shipped models' d = 64; one call then costs at most ~4·L·4096·(dv+1) flops).
//
// Failed rows (theory §2.2): a row fails when its output is not a bounded mean of its
// values — D̃_i ≤ 0; or, for a P not certified positive (whose weights may be negative),
// D̃_i below visible_i·e^{−β̂}, the provable lower bound of the exact denominator (every
// exact weight is ≥ e^{−β̂}); or a non-finite output. Its output is then the mean of its
// visible values (the degree-0 polynomial, always positive) and its probabilities uniform;
// the run counts these rows in its stats, summary and warnings. The output is never NaN.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "core/attention/poly_features.h"
#include "core/attention/poly_fit.h"
#include "core/attention/query_blocks.h"
#include "core/attention/variants.h"
#include "core/error.h"
#include "core/memory_budget.h"
#include "core/parallel.h"
#include "core/theory/exp_polynomial.h"
#include "core/theory/rank.h"
#include "core/theory/threshold.h"

namespace vs::attention {

namespace {

using RowMatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

constexpr int kMaxDegree = 16;
// Rows of a query block, and the most partly visible keys it may have.
constexpr int64_t kBlockRows = 64;
// Keys summed by one task before the prefix sum, and the budget for those partial sums.
constexpr int64_t kKeyPiece = 1024;
constexpr double kPieceSumBytes = 64e6;
// Key feature rows built at once inside a piece (bounded so large r stays in cache).
constexpr double kFeatureChunkBytes = 1 << 20;
// Below this many flops per head (a few ms on one core) threads cost more than they save,
// above all on a loaded machine where every barrier may wait for a descheduled thread.
constexpr double kParallelFlops = 2e7;

// Where the prefix states S(c) = Σ_{j<c} W_jᵀ[v_j, 1] are needed: at every key count c a
// query block starts from ("cut"). The keys between consecutive cuts are split into pieces
// summed in parallel, then prefix-summed in order.
struct PrefixPlan {
  struct Piece {
    int64_t begin, end;  // keys [begin, end)
    size_t cut;          // the cut this piece's keys lie below
  };
  std::vector<int64_t> cuts;        // increasing key counts
  std::vector<Piece> pieces;        // in key order
  std::vector<size_t> block_state;  // per query block: the index of its cut

  PrefixPlan(const std::vector<QueryBlock>& blocks, int64_t piece_keys) {
    // Blocks come in row order, and visible key counts never decrease with the row.
    for (const QueryBlock& block : blocks) {
      if (cuts.empty() || cuts.back() != block.keys_min) cuts.push_back(block.keys_min);
      block_state.push_back(cuts.size() - 1);
    }
    int64_t previous = 0;
    for (size_t t = 0; t < cuts.size(); ++t) {
      for (int64_t begin = previous; begin < cuts[t]; begin += piece_keys)
        pieces.push_back({begin, std::min(cuts[t], begin + piece_keys), t});
      previous = cuts[t];
    }
  }
};

// Sizes that bound the memory of one head, from (Lk, dv, r).
struct Layout {
  int64_t piece_keys = kKeyPiece;  // keys per piece: more when r·(dv+1) is large
  int64_t chunk_rows = 8;          // key feature rows built at once

  Layout(const Dims& dims, int64_t r) {
    const double rank = double(r), width = double(dims.value_dim + 1);
    const double max_pieces = std::max(1.0, std::floor(kPieceSumBytes / (8.0 * rank * width)));
    piece_keys = std::max<int64_t>(
        kKeyPiece, static_cast<int64_t>(std::ceil(double(dims.num_keys) / max_pieces)));
    chunk_rows = std::clamp<int64_t>(static_cast<int64_t>(kFeatureChunkBytes / (8.0 * rank)), 8,
                                     kKeyPiece);
  }
};

// Scratch of one head in bytes (computed in double: it cannot overflow): prefix states and
// piece sums (r × (dv+1) each), per-thread feature blocks, denominators, and all of W when
// probabilities are captured.
double scratch_bytes(const Dims& dims, int64_t r, const Layout& layout, const PrefixPlan& plan,
                     int threads, bool capture_probs) {
  const double rank = double(r), width = double(dims.value_dim + 1);
  const double per_thread = double(layout.chunk_rows) * (rank + width) +
                            double(kBlockRows) * (2 * rank + 2 * width + kBlockRows);
  return 8.0 * (double(plan.cuts.size() + plan.pieces.size()) * rank * width +
                threads * per_thread + double(dims.num_queries) +
                (capture_probs ? double(dims.num_keys) * rank : 0.0));
}

double max_row_norm(const float* rows, int64_t count, int64_t width) {
  double best = 0.0;
  for (int64_t i = 0; i < count; ++i) {
    double sum = 0.0;
    for (int64_t c = 0; c < width; ++c) sum += double(rows[i * width + c]) * rows[i * width + c];
    best = std::max(best, sum);
  }
  return std::sqrt(best);
}

// [v_j, 1] for keys [begin, begin+rows) into out (rows, dv+1).
void fill_values_one(const float* values, int64_t begin, int64_t rows, int64_t dv, double* out) {
  for (int64_t j = 0; j < rows; ++j) {
    for (int64_t c = 0; c < dv; ++c) out[j * (dv + 1) + c] = values[(begin + j) * dv + c];
    out[j * (dv + 1) + dv] = 1.0;
  }
}

std::string format_number(double value) {
  std::ostringstream text;
  text.precision(3);
  text << value;
  return text.str();
}

// Scratch of one head at rank r (the layout and key pieces depend on r).
double head_scratch_bytes(const Dims& dims, int64_t r, const std::vector<QueryBlock>& blocks,
                          const Options& options) {
  const Layout layout(dims, r);
  const PrefixPlan plan(blocks, layout.piece_keys);
  return scratch_bytes(dims, r, layout, plan, omp_get_max_threads(), options.capture_probs);
}

// Mean of the visible values of a failed row (the degree-0 polynomial's output).
void mean_of_values(const float* values, int64_t visible, int64_t dv, float* out) {
  for (int64_t c = 0; c < dv; ++c) {
    double sum = 0;
    for (int64_t j = 0; j < visible; ++j) sum += values[j * dv + c];
    out[c] = visible > 0 ? static_cast<float>(sum / double(visible)) : 0.0f;
  }
}

// What a `poly` spec asks for: a fixed degree, or poly:auto's target.
struct PolyRule {
  bool automatic = false;
  int degree = 0;  // fixed degree
  theory::ExpBasis basis = theory::ExpBasis::kTaylor;
  PolyForm form = PolyForm::kAuto;
  double target_error = 1e-2;  // auto
  int64_t max_rank = 4096;     // auto
};

// Rows of one head whose output fell back to the mean of its values (file comment).
struct RowFailures {
  int64_t failed = 0;
  int64_t nonpositive = 0;  // of them, rows with D̃ ≤ 0
};

// Per-head results that feed the run's warnings, stats and summary.
struct HeadReport {
  double beta_bound = 0;
  PolyFit fit;
  RowFailures failures;
};

// One head's inputs and its polynomial.
struct HeadInputs {
  const float* queries;  // (Lq, d)
  const float* keys;     // (Lk, d)
  const float* values;   // (Lk, dv)
  double scale;
  std::vector<double> query_weights;  // (r)
  double floor_per_key;               // e^{−β̂}
  bool certified_positive;            // P > 0 on [−β̂, β̂] (poly_fit.h)
};

class PolyAttention : public Variant {
 public:
  explicit PolyAttention(const PolyRule& rule) : rule_(rule) {}

  std::string spec() const override {
    if (rule_.automatic)
      return "poly:auto:eps=" + format_number(rule_.target_error) +
             ":basis=" + theory::basis_name(rule_.basis) +
             ":max_rank=" + std::to_string(rule_.max_rank);
    return "poly:degree=" + std::to_string(rule_.degree) +
           ":basis=" + theory::basis_name(rule_.basis) +
           (rule_.form == PolyForm::kAuto ? "" : ":form=" + form_name(rule_.form));
  }

  Result run(const Tensor& q, const Tensor& k, const Tensor& v, const Structure& structure,
             const Options& options) const override {
    const Dims dims = validate_inputs(spec(), q, k, v, structure, options);
    const int64_t H = dims.heads, Lq = dims.num_queries, Lk = dims.num_keys, d = dims.head_dim,
                  dv = dims.value_dim;
    const double scale = resolved_scale(options, d);
    std::vector<double> beta_bounds(H, 0.0);
    double beta_max = 0;
    for (int64_t h = 0; h < H && Lq > 0; ++h) {
      beta_bounds[h] = scale * max_row_norm(q.ptr() + h * Lq * d, Lq, d) *
                       max_row_norm(k.ptr() + h * Lk * d, Lk, d);
      beta_max = std::max(beta_max, beta_bounds[h]);
    }
    const std::vector<QueryBlock> blocks = query_blocks(structure, Lq, Lk, kBlockRows);
    DegreeChoice choice{rule_.degree, rule_.basis, true, rule_.degree};
    if (rule_.automatic)
      choice = choose_degree(rule_.basis, beta_max, rule_.target_error, kMaxDegree, [&](int g) {
        const int64_t r = theory::monomial_rank_saturating(d, g);
        return r <= rule_.max_rank &&
               head_scratch_bytes(dims, r, blocks, options) <= double(options.max_scratch_bytes);
      });
    const int degree = choice.degree;
    const int64_t r = theory::monomial_rank_saturating(d, degree);
    const Layout layout(dims, r);
    const PrefixPlan plan(blocks, layout.piece_keys);
    check_scratch(dims, degree, r, scratch_bytes(dims, r, layout, plan, omp_get_max_threads(),
                                                 options.capture_probs), options);

    Result result;
    result.out = Tensor({H, Lq, dv});
    if (options.capture_probs)
      result.probs = Tensor({H, options.prob_row_end - options.prob_row_begin, Lk});
    std::vector<HeadReport> reports;
    if (Lq > 0) {
      const PolynomialFeatures features(d, degree);
      for (int64_t h = 0; h < H; ++h) {
        HeadReport report;
        report.beta_bound = beta_bounds[h];
        report.fit = fit_exp_polynomial(degree, choice.basis,
                                        rule_.automatic ? PolyForm::kAuto : rule_.form,
                                        report.beta_bound);
        const HeadInputs in{q.ptr() + h * Lq * d,
                            k.ptr() + h * Lk * d,
                            v.ptr() + h * Lk * dv,
                            scale,
                            features.query_weights(report.fit.coefficients),
                            std::exp(-report.beta_bound),
                            report.fit.certified_positive};
        report.failures = run_head(h, in, features, structure, dims, blocks, plan, layout,
                                   options, result);
        reports.push_back(report);
      }
    }
    return finish(result, reports, choice, r, dims, options);
  }

 private:
  void check_scratch(const Dims& dims, int degree, int64_t r, double bytes,
                     const Options& options) const {
    if (bytes > double(options.max_scratch_bytes) || r > std::numeric_limits<int>::max())
      throw Error(spec() + ": rank r = C(d+g, g) = C(" + std::to_string(dims.head_dim + degree) +
                  ", " + std::to_string(degree) + ") = " + format_number(double(r)) +
                  " needs prefix states and feature blocks (r x (dv+1) doubles, dv = " +
                  std::to_string(dims.value_dim) + ") of " + format_number(bytes / 1e9) +
                  " GB for " + std::to_string(dims.num_queries) + " queries over " +
                  std::to_string(dims.num_keys) + " keys, above the scratch limit of " +
                  format_number(double(options.max_scratch_bytes) / 1e9) +
                  " GB; lower the degree");
    check_memory(bytes, spec() + " scratch");  // the option may exceed the machine
  }

  // Computes one head's output rows; returns the rows that fell back to the mean.
  static RowFailures run_head(int64_t h, const HeadInputs& in, const PolynomialFeatures& features,
                              const Structure& structure, const Dims& dims,
                              const std::vector<QueryBlock>& blocks, const PrefixPlan& plan,
                              const Layout& layout, const Options& options, Result& result) {
    const int64_t Lq = dims.num_queries, Lk = dims.num_keys, dv = dims.value_dim,
                  r = features.rank();
    std::vector<RowMatrixD> piece_sums(plan.pieces.size());  // each (r, dv+1)
    std::vector<RowMatrixD> states(plan.cuts.size());        // S(cut) (r, dv+1)
    // D̃ per row; NaN marks a failed row (uniform probabilities).
    std::vector<double> denominators(Lq);
    float* out = result.out.ptr() + h * Lq * dv;  // (Lq, dv)
    int64_t failed = 0, nonpositive = 0;
    const double flops = 2.0 * double(Lq + Lk) * double(r) * double(dv + 1);
    ParallelErrors errors("poly attention");
#pragma omp parallel reduction(+ : failed, nonpositive) if (flops >= kParallelFlops)
    {
      // Our loops are the unit of parallelism; Eigen must not fork inside them (this sets
      // the ICV of this region's implicit tasks only).
      omp_set_num_threads(1);
      RowMatrixD key_chunk, value_chunk;  // (chunk_rows, r); (chunk_rows, dv+1)
      errors.run([&] {
        key_chunk.resize(layout.chunk_rows, r);
        value_chunk.resize(layout.chunk_rows, dv + 1);
      });
#pragma omp for schedule(dynamic, 1)
      for (size_t p = 0; p < plan.pieces.size(); ++p) errors.run([&] {
        const PrefixPlan::Piece& piece = plan.pieces[p];
        piece_sums[p].setZero(r, dv + 1);
        for (int64_t begin = piece.begin; begin < piece.end; begin += layout.chunk_rows) {
          const int64_t rows = std::min(layout.chunk_rows, piece.end - begin);
          features.fill(in.keys + begin * dims.head_dim, rows, 1.0, nullptr, key_chunk.data());
          fill_values_one(in.values, begin, rows, dv, value_chunk.data());
          piece_sums[p].noalias() += key_chunk.topRows(rows).transpose() * value_chunk.topRows(rows);
        }
      });
#pragma omp single
      errors.run([&] {
        // S(cut_t) = S(cut_{t−1}) + the pieces between them: the prefix sum of §2.7.
        size_t p = 0;
        for (size_t t = 0; t < plan.cuts.size(); ++t) {
          states[t] = t ? states[t - 1] : RowMatrixD::Zero(r, dv + 1);
          for (; p < plan.pieces.size() && plan.pieces[p].cut == t; ++p) states[t] += piece_sums[p];
        }
      });
      RowMatrixD query_block, key_block;  // (kBlockRows, r) each
      RowMatrixD value_block;             // (kBlockRows, dv+1)
      RowMatrixD numerators, partial;     // (rows, dv+1); masked U·Wᵀ (rows, spread)
      errors.run([&] {
        query_block.resize(kBlockRows, r);
        key_block.resize(kBlockRows, r);
        value_block.resize(kBlockRows, dv + 1);
      });
#pragma omp for schedule(dynamic, 1)
      for (size_t b = 0; b < blocks.size(); ++b) errors.run([&] {
        const QueryBlock& block = blocks[b];
        const int64_t rows = block.row_end - block.row_begin;
        features.fill(in.queries + block.row_begin * dims.head_dim, rows, in.scale,
                      in.query_weights.data(), query_block.data());
        numerators.noalias() = query_block.topRows(rows) * states[plan.block_state[b]];
        if (block.keys_max > block.keys_min) {
          const int64_t spread = block.keys_max - block.keys_min;
          features.fill(in.keys + block.keys_min * dims.head_dim, spread, 1.0, nullptr,
                        key_block.data());
          fill_values_one(in.values, block.keys_min, spread, dv, value_block.data());
          partial.noalias() = query_block.topRows(rows) * key_block.topRows(spread).transpose();
          for (int64_t i = 0; i < rows; ++i) {
            const int64_t visible = structure.visible_keys(block.row_begin + i, Lq, Lk);
            partial.row(i).tail(spread - (visible - block.keys_min)).setZero();
          }
          numerators.noalias() += partial * value_block.topRows(spread);
        }
        for (int64_t i = 0; i < rows; ++i) {
          const int64_t row = block.row_begin + i;
          const int64_t visible = structure.visible_keys(row, Lq, Lk);
          const double denominator = numerators(i, dv);
          const double floor = in.certified_positive
                                   ? 0.0
                                   : std::max(std::numeric_limits<double>::min(),
                                              double(visible) * in.floor_per_key);
          bool fine = denominator > 0 && denominator >= floor;
          for (int64_t c = 0; c < dv && fine; ++c) {
            out[row * dv + c] = static_cast<float>(numerators(i, c) / denominator);
            fine = std::isfinite(out[row * dv + c]);
          }
          denominators[row] = denominator;
          if (!fine) {
            ++failed;
            if (!(denominator > 0)) ++nonpositive;
            mean_of_values(in.values, visible, dv, out + row * dv);
            denominators[row] = std::numeric_limits<double>::quiet_NaN();
          }
        }
      });
    }
    errors.rethrow_if_failed();
    if (options.capture_probs)
      capture_probs(h, in, features, structure, dims, denominators, options, result);
    return {failed, nonpositive};
  }

  // Probabilities U_i·W_jᵀ/D̃_i over the visible j of the requested rows (0 elsewhere;
  // uniform on a failed row), 64 rows at a time: U·Wᵀ for all requested rows at once could
  // be L x L.
  static void capture_probs(int64_t h, const HeadInputs& in, const PolynomialFeatures& features,
                            const Structure& structure, const Dims& dims,
                            const std::vector<double>& denominators, const Options& options,
                            Result& result) {
    const int64_t Lq = dims.num_queries, Lk = dims.num_keys, r = features.rank();
    const int64_t rows = options.prob_row_end - options.prob_row_begin;
    RowMatrixD key_features(Lk, r);  // W (Lk, r)
    features.fill(in.keys, Lk, 1.0, nullptr, key_features.data());
    float* probs = result.probs.ptr() + h * rows * Lk;  // (rows, Lk)
    ParallelErrors errors("poly attention");
#pragma omp parallel if (2.0 * double(rows) * double(Lk) * double(r) >= kParallelFlops)
    {
      omp_set_num_threads(1);
      RowMatrixD query_block, weights;  // (64, r); (64, Lk)
      errors.run([&] { query_block.resize(kBlockRows, r); });
#pragma omp for schedule(dynamic, 1)
      for (int64_t first = 0; first < rows; first += kBlockRows) errors.run([&] {
        const int64_t count = std::min(kBlockRows, rows - first);
        const int64_t row0 = options.prob_row_begin + first;
        features.fill(in.queries + row0 * dims.head_dim, count, in.scale, in.query_weights.data(),
                      query_block.data());
        weights.noalias() = query_block.topRows(count) * key_features.transpose();
        for (int64_t i = 0; i < count; ++i) {
          const int64_t visible = structure.visible_keys(row0 + i, Lq, Lk);
          const double denominator = denominators[row0 + i];
          for (int64_t j = 0; j < visible; ++j)
            probs[(first + i) * Lk + j] = static_cast<float>(
                std::isnan(denominator) ? 1.0 / double(visible) : weights(i, j) / denominator);
        }
      });
    }
    errors.rethrow_if_failed();
  }

  Result& finish(Result& result, const std::vector<HeadReport>& reports,
                 const DegreeChoice& choice, int64_t r, const Dims& dims,
                 const Options& options) const {
    double beta = 0, fit_beta = 0, error = 0;
    int64_t failed = 0, nonpositive = 0, squared = 0, uncertified = 0;
    for (const HeadReport& report : reports) {
      beta = std::max(beta, report.beta_bound);
      fit_beta = std::max(fit_beta, report.fit.fit_beta);
      error = std::max(error, report.fit.rel_error);
      failed += report.failures.failed;
      nonpositive += report.failures.nonpositive;
      squared += report.fit.form == PolyForm::kSquared;
      uncertified += !report.fit.certified_positive;
    }
    const int degree = choice.degree;
    result.stats["degree"] = degree;
    result.stats["rank"] = double(r);
    result.stats["chebyshev"] = choice.basis == theory::ExpBasis::kChebyshev;
    result.stats["beta_bound"] = beta;
    result.stats["fit_beta"] = fit_beta;
    result.stats["poly_rel_error"] = error;
    result.stats["squared_heads"] = double(squared);
    result.stats["uncertified_heads"] = double(uncertified);
    result.stats["failed_rows"] = double(failed);
    result.stats["nonpositive_rows"] = double(nonpositive);
    if (rule_.automatic) {
      result.stats["target_error"] = rule_.target_error;
      result.stats["target_met"] = choice.target_met;
      result.stats["needed_degree"] = choice.needed_degree;
    }
    result.summary = summary(choice, r, beta, fit_beta, error, squared, uncertified, failed,
                             nonpositive, int64_t(reports.size()), dims.heads * dims.num_queries);

    if (r >= dims.num_keys)
      result.warnings.push_back(spec() + ": no speed-up possible: rank r = C(d+g, g) = " +
                                std::to_string(r) + " ≥ L = " + std::to_string(dims.num_keys) +
                                " keys");
    const double wall = theory::kUnitRoundoffFloat64 * std::exp(2.0 * fit_beta);
    if (wall > options.target_error)
      result.warnings.push_back(spec() + ": precision wall: u·e^{2β̂} = " + format_number(wall) +
                                " exceeds the target error " + format_number(options.target_error) +
                                " (β̂ = " + format_number(beta) +
                                "; monomial features cancel in double, theory §2.8)");
    if (fit_beta < beta)
      result.warnings.push_back(spec() + ": β̂ = " + format_number(beta) +
                                " is beyond the widest fitting interval [−" +
                                format_number(fit_beta) + ", " + format_number(fit_beta) +
                                "]; logits outside it are not approximated");
    if (rule_.automatic && !choice.target_met)
      result.warnings.push_back(
          spec() + ": target " + format_number(rule_.target_error) + " not reached: " +
          (choice.needed_degree >= 0
               ? "degree " + std::to_string(choice.needed_degree) + " (rank " +
                     format_number(theory::monomial_rank(dims.head_dim, choice.needed_degree)) +
                     ") would be needed for β̂ = " + format_number(beta) +
                     ", beyond max_rank or the scratch limit"
               : "no degree up to " + std::to_string(kMaxDegree) + " reaches it for β̂ = " +
                     format_number(beta)) +
          "; used degree " + std::to_string(degree) + " (" + theory::basis_name(choice.basis) +
          "), relative error " + format_number(error));
    if (!rule_.automatic && error > options.target_error && options.target_error > 0 &&
        options.target_error < 1) {
      const int needed = theory::least_exp_degree(rule_.basis, fit_beta, options.target_error);
      result.warnings.push_back(
          spec() + ": relative error of the degree-" + std::to_string(degree) + " " +
          theory::basis_name(rule_.basis) + " polynomial on [−β̂, β̂] (β̂ = " + format_number(beta) +
          ") is " + format_number(error) + ", above the target " +
          format_number(options.target_error) + "; " +
          (needed >= 0 ? "degree " + std::to_string(needed) + " would be needed"
                       : std::string("no degree up to 1000 reaches it")));
    }
    if (failed > 0)
      result.warnings.push_back(
          spec() + ": " + std::to_string(failed) + " of " +
          std::to_string(dims.heads * dims.num_queries) + " query rows failed (" +
          std::to_string(nonpositive) +
          " with an approximate denominator D̃ ≤ 0; the rest below the exact denominator's lower "
          "bound visible·e^{−β̂} or not finite): the polynomial is not positive on [−β̂, β̂] "
          "(theory §2.2); those rows output the mean of their values" +
          (degree % 2 ? "; an even degree has a positive form" : ""));
    else if (uncertified > 0)
      result.warnings.push_back(
          spec() + ": the polynomial of " + std::to_string(uncertified) +
          " head(s) is not provably positive on [−β̂, β̂] (relative error " + format_number(error) +
          " ≥ 1, theory §2.2): no row failed, but outputs may be far off" +
          (degree % 2 ? "; an even degree has a positive form" : ""));
    return result;
  }

  // One line for hosts to show, e.g. "degree 4 (chebyshev, plain), rank 495, fitted on
  // [−0.84, 0.84] for β̂ = 0.84, relative error on exp 3.1e-03; 0 of 128 rows failed".
  std::string summary(const DegreeChoice& choice, int64_t r, double beta, double fit_beta,
                      double error, int64_t squared, int64_t uncertified, int64_t failed,
                      int64_t nonpositive, int64_t heads, int64_t rows) const {
    const std::string form = squared == 0       ? "plain"
                             : squared == heads ? "squared"
                                                : "plain/squared";
    std::string text = "degree " + std::to_string(choice.degree) + " (" +
                       theory::basis_name(choice.basis) + ", " + form +
                       (uncertified ? ", not provably positive" : "") + "), rank " +
                       std::to_string(r) + ", fitted on [−" + format_number(fit_beta) + ", " +
                       format_number(fit_beta) + "] for β̂ = " + format_number(beta) +
                       ", relative error on exp " + format_number(error);
    if (rule_.automatic)
      text += choice.target_met ? " (target " + format_number(rule_.target_error) + " met)"
                                : " (target " + format_number(rule_.target_error) + " NOT met)";
    text += "; " + std::to_string(failed) + " of " + std::to_string(rows) + " rows failed";
    if (failed) text += " (" + std::to_string(nonpositive) + " with D̃ ≤ 0)";
    return text;
  }

  PolyRule rule_;
};

}  // namespace

std::unique_ptr<Variant> make_poly(SpecParams& params) {
  PolyRule rule;
  rule.automatic = params.get_flag("auto");
  const std::string basis =
      params.get_choice("basis", rule.automatic ? "chebyshev" : "taylor", {"taylor", "chebyshev"});
  rule.basis = basis == "taylor" ? theory::ExpBasis::kTaylor : theory::ExpBasis::kChebyshev;
  if (rule.automatic) {
    rule.target_error = params.get_double("eps", rule.target_error, 1e-12, 0.5);
    rule.max_rank = params.get_int("max_rank", static_cast<int>(rule.max_rank), 1, 1 << 24);
  } else {
    rule.degree = params.get_int("degree", -1, 0, kMaxDegree);
    if (rule.degree < 0)
      throw Error("attention variant '" + params.text() + "': poly needs degree=G (0.." +
                  std::to_string(kMaxDegree) + ") or auto; valid variants: " +
                  valid_variant_specs());
    const std::string form = params.get_choice("form", "auto", {"auto", "plain", "squared"});
    rule.form = form == "plain" ? PolyForm::kPlain
                : form == "squared" ? PolyForm::kSquared
                                    : PolyForm::kAuto;
    if (rule.form == PolyForm::kSquared && rule.degree % 2)
      throw Error("attention variant '" + params.text() +
                  "': form=squared needs an even degree (P = p(x/2)² with p of degree g/2); "
                  "valid variants: " + valid_variant_specs());
  }
  params.expect_all_used();
  return std::make_unique<PolyAttention>(rule);
}

}  // namespace vs::attention
