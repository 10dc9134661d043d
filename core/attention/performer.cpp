// `performer:features=M[:seed=S]` — FAVOR+ positive orthogonal random features
// (Choromanski et al., ICLR 2021; theory §6, Performer row).
//
// With softmax scale τ, x = q·√τ and y = k·√τ give xᵀy = τ·qᵀk, and
//   φ(x) = m^{-1/2}·[exp(ω_iᵀx − ‖x‖²/2)]_{i<m},   E[φ(x)·φ(y)] = exp(xᵀy),
// so Ã = φ(Q)φ(K)ᵀ estimates exp(τQKᵀ) without bias, and out = D̃⁻¹Ã V with
// D̃ = diag(Ã1) costs O(L·m·(d + dv)) — the L x L matrix is never formed.
//
// Numerical safety: every query row i is multiplied by exp(−c_i), c_i its largest log
// feature, and every key by exp(−c_K), c_K the largest log feature among the keys seen so
// far. Both factors are common to the numerator Ã V and the denominator Ã1 of a row, so
// they cancel in D̃⁻¹ÃV; they only keep exp() in range (largest feature = 1).
//
// Masks (theory §2.7): queries that see the same key prefix (Structure::query_runs: one
// run per scale for block-causal, one per row for causal) share one prefix state
// S = Σ_{visible j} φ(k_j)ᵀ[v_j, 1] of shape (m, dv+1), extended key block by key block.
// The same loop handles the KV-cache step (Lq < Lk). All accumulation is in double.
#include <omp.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <limits>
#include <string>

#include "core/attention/performer.h"
#include "core/attention/variants.h"
#include "core/error.h"
#include "core/memory_budget.h"
#include "core/parallel.h"
#include "core/random/rng.h"

namespace vs::attention {

namespace {

class Performer final : public Variant {
 public:
  Performer(int features, int seed) : features_(features), seed_(seed) {}

  std::string spec() const override {
    return "performer:features=" + std::to_string(features_) + ":seed=" + std::to_string(seed_);
  }

  Result run(const Tensor& q, const Tensor& k, const Tensor& v, const Structure& structure,
             const Options& options) const override;

 private:
  void run_head(int64_t h, const Dims& dims, const RowMatrixD& projection, double root_scale,
                const std::vector<Structure::QueryRun>& runs, const Tensor& q, const Tensor& k,
                const Tensor& v, const Options& options, Result& result) const;
  void check_scratch(const Dims& dims, const Options& options) const;

  int features_;
  int seed_;
};

void Performer::check_scratch(const Dims& dims, const Options& options) const {
  // Per concurrently processed head (doubles): scaled q and k, their log features, one
  // key block of features and [v, 1], the prefix state, and the query block's features
  // and products. Probabilities add their output tensor and one (Lk, m) + (rows, Lk) block.
  const long double m = features_, d = dims.head_dim, dv = dims.value_dim;
  const long double lq = dims.num_queries, lk = dims.num_keys;
  const long double threads = std::min<long double>(dims.heads, omp_get_max_threads());
  long double per_head = lq * (d + 2 * m + dv + 1) + lk * (d + 2 * m + dv + 1) + m * (dv + 1);
  long double bytes = threads * per_head * 8;
  if (options.capture_probs) {
    const long double rows = options.prob_row_end - options.prob_row_begin;
    bytes += dims.heads * rows * lk * 4 + threads * (lk * m + rows * lk) * 8;
  }
  if (bytes > static_cast<long double>(options.max_scratch_bytes))
    throw Error(spec() + ": needs about " + std::to_string(static_cast<double>(bytes) / 1e6) +
                " MB of scratch for " + std::to_string(dims.heads) + " heads x " +
                std::to_string(dims.num_keys) + " keys, above the limit of " +
                std::to_string(options.max_scratch_bytes / 1e6) + " MB");
  check_memory(static_cast<double>(bytes), spec() + " scratch");  // the option may exceed the machine
}

void Performer::run_head(int64_t h, const Dims& dims, const RowMatrixD& projection,
                         double root_scale, const std::vector<Structure::QueryRun>& runs,
                         const Tensor& q, const Tensor& k, const Tensor& v,
                         const Options& options, Result& result) const {
  const int64_t Lq = dims.num_queries, Lk = dims.num_keys, d = dims.head_dim,
                dv = dims.value_dim, m = features_;
  const ConstMapMatrixF q_head(q.ptr() + h * Lq * d, Lq, d);   // (Lq, d)
  const ConstMapMatrixF k_head(k.ptr() + h * Lk * d, Lk, d);   // (Lk, d)
  const ConstMapMatrixF v_head(v.ptr() + h * Lk * dv, Lk, dv); // (Lk, dv)
  MapMatrixF out_head(result.out.ptr() + h * Lq * dv, Lq, dv);  // (Lq, dv)

  const RowMatrixD log_q =
      performer_log_features(projection, (q_head.cast<double>() * root_scale).eval());  // (Lq, m)
  const RowMatrixD log_k =
      performer_log_features(projection, (k_head.cast<double>() * root_scale).eval());  // (Lk, m)

  RowMatrixD state = RowMatrixD::Zero(m, dv + 1);  // (m, dv+1): Σ φ(k_j)ᵀ[v_j, 1]
  double key_shift = -std::numeric_limits<double>::infinity();  // c_K of the state
  int64_t keys_in_state = 0;
  const int64_t prob_begin = options.capture_probs ? options.prob_row_begin : 0;
  const int64_t prob_end = options.capture_probs ? options.prob_row_end : 0;

  for (const Structure::QueryRun& run : runs) {
    if (run.visible_keys > keys_in_state) {
      const int64_t count = run.visible_keys - keys_in_state;
      const auto block_log = log_k.middleRows(keys_in_state, count);  // (count, m)
      const double block_max = block_log.maxCoeff();
      if (block_max > key_shift) {
        if (std::isfinite(key_shift)) state *= std::exp(key_shift - block_max);
        key_shift = block_max;
      }
      const RowMatrixD phi_k = (block_log.array() - key_shift).exp().matrix();  // (count, m)
      RowMatrixD values_one(count, dv + 1);                                      // (count, dv+1)
      values_one.leftCols(dv) = v_head.middleRows(keys_in_state, count).cast<double>();
      values_one.col(dv).setOnes();
      state.noalias() += phi_k.transpose() * values_one;
      keys_in_state = run.visible_keys;
    }
    const int64_t rows = run.row_end - run.row_begin;
    const auto run_log = log_q.middleRows(run.row_begin, rows);  // (rows, m)
    const Eigen::VectorXd row_shift = run_log.rowwise().maxCoeff();
    const RowMatrixD phi_q = (run_log.colwise() - row_shift).array().exp().matrix();  // (rows, m)
    const RowMatrixD numer = phi_q * state;  // (rows, dv+1): [Ã V, Ã1] up to common factors
    for (int64_t r = 0; r < rows; ++r) {
      const double denom = numer(r, dv);
      if (!(denom > 0) || !std::isfinite(denom))
        throw Error(spec() + ": the random-feature row sum of query " +
                    std::to_string(run.row_begin + r) + " (head " + std::to_string(h) +
                    ") under/overflowed; logits are too large for positive random features");
      out_head.row(run.row_begin + r) = (numer.row(r).head(dv) / denom).cast<float>();
    }

    // Probabilities of the requested rows in this run: φ(q_i)·φ(k_j) normalised over the
    // visible keys (their sum is D̃_i), with the visible prefix's own key stabiliser.
    const int64_t first = std::max(run.row_begin, prob_begin);
    const int64_t last = std::min(run.row_end, prob_end);
    if (first < last) {
      const int64_t n = run.visible_keys;
      const auto visible_log = log_k.topRows(n);  // (n, m)
      const RowMatrixD phi_visible =
          (visible_log.array() - visible_log.maxCoeff()).exp().matrix();  // (n, m)
      RowMatrixD estimate =
          phi_q.middleRows(first - run.row_begin, last - first) * phi_visible.transpose();  // (rows, n)
      const int64_t prob_rows = prob_end - prob_begin;
      for (int64_t i = first; i < last; ++i) {
        const auto row = estimate.row(i - first);
        const double sum = row.sum();
        float* dst = result.probs.ptr() + (h * prob_rows + (i - prob_begin)) * Lk;
        for (int64_t j = 0; j < n; ++j) dst[j] = static_cast<float>(row(j) / sum);
      }
    }
  }
}

Result Performer::run(const Tensor& q, const Tensor& k, const Tensor& v,
                      const Structure& structure, const Options& options) const {
  const Dims dims = validate_inputs(spec(), q, k, v, structure, options);
  check_scratch(dims, options);
  const int64_t H = dims.heads, Lq = dims.num_queries, Lk = dims.num_keys;
  const double root_scale = std::sqrt(double(resolved_scale(options, dims.head_dim)));
  const RowMatrixD projection = performer_projection(features_, dims.head_dim, uint64_t(seed_));
  const std::vector<Structure::QueryRun> runs = structure.query_runs(Lq, Lk);

  Result result;
  result.out = Tensor({H, Lq, dims.value_dim});
  if (options.capture_probs)
    result.probs = Tensor({H, options.prob_row_end - options.prob_row_begin, Lk});

  // One head per thread; a single head leaves the threads to Eigen's own products.
  parallel_for("performer attention", H, H > 1, 1, [&](int64_t h) {
    run_head(h, dims, projection, root_scale, runs, q, k, v, options, result);
  });
  result.stats["features"] = features_;
  result.stats["seed"] = seed_;
  return result;
}

}  // namespace

RowMatrixD performer_projection(int features, int64_t head_dim, uint64_t seed) {
  if (features < 1 || head_dim < 1)
    throw Error("performer: need at least one feature and one dimension, got features=" +
                std::to_string(features) + ", head_dim=" + std::to_string(head_dim));
  random::OmegaNormals gauss(seed);
  const int64_t d = head_dim;
  RowMatrixD projection(features, d);  // (m, d)
  RowMatrixD block(d, d);              // (d, d): one orthogonal block
  for (int64_t start = 0; start < features; start += d) {
    // Modified Gram–Schmidt over Gaussian rows, in draw order: Haar-distributed
    // orthonormal rows (the QR of a Gaussian matrix with a positive R diagonal).
    for (int64_t r = 0; r < d; ++r) {
      double norm = 0;
      do {
        for (int64_t c = 0; c < d; ++c) block(r, c) = gauss.next_normal();
        for (int64_t p = 0; p < r; ++p) block.row(r) -= block.row(r).dot(block.row(p)) * block.row(p);
        norm = block.row(r).norm();
      } while (!(norm > 1e-8));  // a (measure-zero) dependent draw is redrawn
      block.row(r) /= norm;
    }
    // Chi(d)-distributed lengths: the norm of an independent Gaussian vector.
    const int64_t rows = std::min<int64_t>(d, features - start);
    for (int64_t r = 0; r < rows; ++r) {
      double squared = 0;
      for (int64_t c = 0; c < d; ++c) {
        const double g = gauss.next_normal();
        squared += g * g;
      }
      projection.row(start + r) = block.row(r) * std::sqrt(squared);
    }
  }
  return projection;
}

RowMatrixD performer_log_features(const RowMatrixD& projection, const RowMatrixD& x) {
  const double log_norm = 0.5 * std::log(double(projection.rows()));
  RowMatrixD log_features = x * projection.transpose();  // (n, m)
  const Eigen::VectorXd half_sq = 0.5 * x.rowwise().squaredNorm();
  log_features.colwise() -= half_sq;
  log_features.array() -= log_norm;
  return log_features;
}

std::unique_ptr<Variant> make_performer(SpecParams& params) {
  const int features = params.get_int("features", -1, 1, 1 << 16);
  if (features < 1)
    throw Error("attention variant '" + params.text() +
                "': performer needs features=M (M >= 1); valid variants: " +
                valid_variant_specs());
  const int seed = params.get_int("seed", 1, 0, INT_MAX);
  params.expect_all_used();
  return std::make_unique<Performer>(features, seed);
}

}  // namespace vs::attention
