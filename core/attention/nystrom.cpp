// `nystrom:landmarks=M` — Nyströmformer (Xiong et al., AAAI 2021; theory §6, Nyström row):
//   P̃ = softmax(Q K̃ᵀ)·pinv(softmax(Q̃ K̃ᵀ))·softmax(Q̃ Kᵀ),   out = P̃ V,
// with landmarks Q̃, K̃ the means of M contiguous segments of the queries and keys (segment s
// of n tokens is [⌊s·n/M⌋, ⌊(s+1)·n/M⌋); M is clamped to n, so M ≥ n makes every segment a
// single token and P̃ the exact softmax matrix). All softmaxes use the scale τ.
//
// pinv is taken from an SVD (Eigen BDCSVD) with numpy's cutoff at float32's ε: singular
// values below max(rows, cols)·ε_f32·σ_max are dropped (the inputs resolve no more). We apply it as a least-squares solve, never forming
// pinv explicitly, so the cost is O(M³) per solve. Computed in double.
//
// Masks: Nyström is not causal by construction. We apply it separately to each run of queries
// sharing a visible key prefix [0, n) (Structure::query_runs): key landmarks are the segment
// means of the visible keys, query landmarks those of the run's queries, so no query can
// see a masked key. A run of nq queries costs O((nq + n)·M·d + n·M·dv + M³): block-causal over
// K scales sums to O(K·L·M·d), but causal (one run per row) is O(L²·d), as dense as exact.
// A run with nq ≤ M (for instance a single causal row) has Q̃ = Q, which makes P̃ exact
// whenever softmax(Q K̃ᵀ) has full row rank. The KV-cache step (Lq < Lk) is the same loop.
#include <omp.h>

#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <string>

#include "core/attention/variants.h"
#include "core/error.h"
#include "core/memory_budget.h"
#include "core/parallel.h"

namespace vs::attention {

namespace {

using RowMatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixD = Eigen::MatrixXd;

// Means of `count` contiguous segments of the rows of x (n, d), count ≤ n. Returns (count, d).
template <typename Rows>
RowMatrixD segment_means(const Rows& x, int64_t count) {
  const int64_t n = x.rows();
  RowMatrixD means(count, x.cols());
  for (int64_t s = 0; s < count; ++s) {
    const int64_t begin = s * n / count, end = (s + 1) * n / count;
    means.row(s) = x.middleRows(begin, end - begin).colwise().sum() / double(end - begin);
  }
  return means;
}

// Row-wise softmax of scale·a·bᵀ, each row shifted by its maximum. Returns (a.rows, b.rows).
template <typename A, typename B>
RowMatrixD softmax_rows(const A& a, const B& b, double scale) {
  RowMatrixD logits = (a * b.transpose()) * scale;
  const Eigen::VectorXd row_max = logits.rowwise().maxCoeff();
  logits.colwise() -= row_max;
  logits = logits.array().exp().matrix();
  const Eigen::VectorXd row_sum = logits.rowwise().sum();
  logits.array().colwise() /= row_sum.array();
  return logits;
}

class Nystrom final : public Variant {
 public:
  explicit Nystrom(int landmarks) : landmarks_(landmarks) {}

  std::string spec() const override { return "nystrom:landmarks=" + std::to_string(landmarks_); }

  Result run(const Tensor& q, const Tensor& k, const Tensor& v, const Structure& structure,
             const Options& options) const override;

 private:
  // Fills the output (and requested probabilities) of one run of one head.
  void run_block(int64_t h, const Structure::QueryRun& run, const Dims& dims, double scale,
                 const RowMatrixD& q_all, const RowMatrixD& k_all, const RowMatrixD& v_all,
                 const Options& options, Result& result) const;
  void check_scratch(const Dims& dims, const std::vector<Structure::QueryRun>& runs,
                     const Options& options) const;

  int landmarks_;
};

void Nystrom::check_scratch(const Dims& dims, const std::vector<Structure::QueryRun>& runs,
                            const Options& options) const {
  const long double d = dims.head_dim, dv = dims.value_dim, H = dims.heads;
  const long double lq = dims.num_queries, lk = dims.num_keys;
  // Double copies of q, k, v for all heads.
  long double bytes = H * (lq * d + lk * (d + dv)) * 8;
  // The largest run, times the runs processed at once (doubles): landmarks, the three
  // softmax blocks, the SVD of the (Mq, Mk) core, the products, and requested probabilities.
  long double largest = 0;
  const long double prob_rows =
      options.capture_probs ? options.prob_row_end - options.prob_row_begin : 0;
  for (const Structure::QueryRun& run : runs) {
    const long double nq = run.row_end - run.row_begin, n = run.visible_keys;
    const long double mq = std::min<long double>(landmarks_, nq);
    const long double mk = std::min<long double>(landmarks_, n);
    long double doubles = (mq + mk) * d + nq * mk + mq * n + 5 * mq * mk + (mq + mk + nq) * dv;
    if (options.capture_probs) doubles += mk * n + std::min(nq, prob_rows) * n;
    largest = std::max(largest, doubles);
  }
  const long double tasks = H * runs.size();
  bytes += std::min<long double>(tasks, omp_get_max_threads()) * largest * 8;
  if (options.capture_probs) bytes += H * prob_rows * lk * 4;
  if (bytes > static_cast<long double>(options.max_scratch_bytes))
    throw Error(spec() + ": needs about " + std::to_string(static_cast<double>(bytes) / 1e6) +
                " MB of scratch for " + std::to_string(dims.heads) + " heads x " +
                std::to_string(dims.num_keys) + " keys, above the limit of " +
                std::to_string(options.max_scratch_bytes / 1e6) + " MB");
  check_memory(static_cast<double>(bytes), spec() + " scratch");  // the option may exceed the machine
}

void Nystrom::run_block(int64_t h, const Structure::QueryRun& run, const Dims& dims,
                        double scale, const RowMatrixD& q_all, const RowMatrixD& k_all,
                        const RowMatrixD& v_all, const Options& options, Result& result) const {
  const int64_t Lq = dims.num_queries, Lk = dims.num_keys, dv = dims.value_dim;
  const int64_t nq = run.row_end - run.row_begin, n = run.visible_keys;
  const auto queries = q_all.middleRows(h * Lq + run.row_begin, nq);  // (nq, d)
  const auto keys = k_all.middleRows(h * Lk, n);                      // (n, d)
  const auto values = v_all.middleRows(h * Lk, n);                    // (n, dv)

  const RowMatrixD query_marks = segment_means(queries, std::min<int64_t>(landmarks_, nq));  // (Mq, d)
  const RowMatrixD key_marks = segment_means(keys, std::min<int64_t>(landmarks_, n));        // (Mk, d)
  const RowMatrixD left = softmax_rows(queries, key_marks, scale);      // (nq, Mk)
  const MatrixD core = softmax_rows(query_marks, key_marks, scale);     // (Mq, Mk)
  const RowMatrixD right = softmax_rows(query_marks, keys, scale);      // (Mq, n)

  Eigen::BDCSVD<MatrixD> svd(core, Eigen::ComputeThinU | Eigen::ComputeThinV);
  // Singular values below what float32 inputs resolve are noise: keeping them (numpy's
  // double cutoff) lets a near-uniform core amplify rounding into outputs far outside the
  // values' range.
  svd.setThreshold(double(std::max(core.rows(), core.cols())) * double(Eigen::NumTraits<float>::epsilon()));
  const MatrixD right_values = right * values;          // (Mq, dv)
  const MatrixD core_solved = svd.solve(right_values);  // (Mk, dv) = pinv(core)·right·V
  const RowMatrixD out_rows = left * core_solved;       // (nq, dv)
  MapMatrixF out(result.out.ptr(), dims.heads * Lq, dv);
  out.middleRows(h * Lq + run.row_begin, nq) = out_rows.cast<float>();

  if (!options.capture_probs) return;
  const int64_t first = std::max(run.row_begin, options.prob_row_begin);
  const int64_t last = std::min(run.row_end, options.prob_row_end);
  if (first >= last) return;
  const MatrixD core_right = svd.solve(MatrixD(right));  // (Mk, n) = pinv(core)·right
  const RowMatrixD probs = left.middleRows(first - run.row_begin, last - first) * core_right;
  const int64_t prob_rows = options.prob_row_end - options.prob_row_begin;
  MapMatrixF probs_out(result.probs.ptr(), dims.heads * prob_rows, Lk);
  probs_out.block(h * prob_rows + first - options.prob_row_begin, 0, last - first, n) =
      probs.cast<float>();
}

Result Nystrom::run(const Tensor& q, const Tensor& k, const Tensor& v, const Structure& structure,
                    const Options& options) const {
  const Dims dims = validate_inputs(spec(), q, k, v, structure, options);
  const std::vector<Structure::QueryRun> runs = structure.query_runs(dims.num_queries, dims.num_keys);
  check_scratch(dims, runs, options);
  const double scale = resolved_scale(options, dims.head_dim);

  const RowMatrixD q_all = as_matrix(q).cast<double>();  // (H·Lq, d)
  const RowMatrixD k_all = as_matrix(k).cast<double>();  // (H·Lk, d)
  const RowMatrixD v_all = as_matrix(v).cast<double>();  // (H·Lk, dv)

  Result result;
  result.out = Tensor({dims.heads, dims.num_queries, dims.value_dim});
  if (options.capture_probs)
    result.probs =
        Tensor({dims.heads, options.prob_row_end - options.prob_row_begin, dims.num_keys});

  // Runs of all heads are independent: one task each, largest (last) runs first.
  const int64_t run_count = static_cast<int64_t>(runs.size());
  const int64_t tasks = dims.heads * run_count;
  parallel_for("nystrom attention", tasks, true, 1, [&](int64_t t) {
    const int64_t h = t % dims.heads, r = run_count - 1 - t / dims.heads;
    run_block(h, runs[r], dims, scale, q_all, k_all, v_all, options, result);
  });
  result.stats["landmarks"] = std::min<int64_t>(landmarks_, dims.num_keys);
  return result;
}

}  // namespace

std::unique_ptr<Variant> make_nystrom(SpecParams& params) {
  const int landmarks = params.get_int("landmarks", -1, 1, 1 << 16);
  if (landmarks < 1)
    throw Error("attention variant '" + params.text() +
                "': nystrom needs landmarks=M (M >= 1); valid variants: " + valid_variant_specs());
  params.expect_all_used();
  return std::make_unique<Nystrom>(landmarks);
}

}  // namespace vs::attention
