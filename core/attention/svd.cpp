// `svd:rank=R`: the best rank-R approximation P_R of the exact attention probabilities
// P = D⁻¹A (Eckart–Young), applied to V. A diagnostic, not a fast method (theory §6, last
// rows): it shows the error floor any rank-R method (Performer features, Nyström landmarks,
// polynomial rank) must sit above, ‖P − P_R‖₂ = σ_{R+1}, ‖P − P_R‖_F = √(Σ_{i>R} σ_i²).
// Cost is quadratic memory and cubic time per head by design.
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/attention/attention.h"
#include "core/attention/variants.h"
#include "core/error.h"

namespace vs::attention {
namespace {

using MatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic>;

// Exact masked probabilities of one head in double (rows are softmaxes over visible keys).
MatrixD exact_probabilities(const float* q, const float* k, int64_t lq, int64_t lk, int64_t d,
                            double scale, const Structure& structure) {
  const MatrixD qd = ConstMapMatrixF(q, lq, d).cast<double>();  // (Lq, d)
  const MatrixD kd = ConstMapMatrixF(k, lk, d).cast<double>();  // (Lk, d)
  MatrixD probs = (qd * kd.transpose()) * scale;                // (Lq, Lk): logits, then P
  for (int64_t i = 0; i < lq; ++i) {
    const int64_t visible = structure.visible_keys(i, lq, lk);
    auto seen = probs.row(i).head(visible).array();
    seen = (seen - seen.maxCoeff()).exp();
    seen /= seen.sum();
    probs.row(i).tail(lk - visible).setZero();
  }
  return probs;
}

class SvdAttention : public Variant {
 public:
  explicit SvdAttention(int rank) : rank_(rank) {}
  std::string spec() const override { return "svd:rank=" + std::to_string(rank_); }

  Result run(const Tensor& q, const Tensor& k, const Tensor& v, const Structure& structure,
             const Options& options) const override {
    const Dims dims = validate_inputs("svd attention", q, k, v, structure, options);
    const int64_t lq = dims.num_queries, lk = dims.num_keys, d = dims.head_dim, dv = dims.value_dim;
    const int64_t inner = std::min(lq, lk);
    // P, the thin factors U (Lq, min) and V (Lk, min) and the SVD's (min, min) workspace,
    // all double, per head. P_R itself is never formed (only requested rows of it).
    const double scratch_bytes =
        8.0 * (double(lq) * lk + double(lq + lk) * inner + double(inner) * inner);
    if (scratch_bytes > double(options.max_scratch_bytes))
      throw Error("svd attention: " + std::to_string(lq) + " x " + std::to_string(lk) +
                  " probabilities need " + std::to_string(int64_t(scratch_bytes)) +
                  " bytes of scratch per head, above the limit of " +
                  std::to_string(options.max_scratch_bytes));
    const double scale = resolved_scale(options, d);
    const int64_t prob_rows =
        options.capture_probs ? options.prob_row_end - options.prob_row_begin : 0;

    Result result;
    result.out = Tensor({dims.heads, lq, dv});
    if (options.capture_probs) result.probs = Tensor({dims.heads, prob_rows, lk});
    double sigma_next = 0, frob_tail = 0, frob_total = 0, sigma_first = 0;
    for (int64_t h = 0; h < dims.heads && lq > 0; ++h) {
      const MatrixD probs = exact_probabilities(q.ptr() + h * lq * d, k.ptr() + h * lk * d, lq, lk,
                                                d, scale, structure);
      // BDCSVD: divide and conquer, backward stable, fast for the large square P.
      Eigen::BDCSVD<MatrixD> svd(probs, Eigen::ComputeThinU | Eigen::ComputeThinV);
      const Eigen::VectorXd& sigma = svd.singularValues();  // (min), descending
      const int64_t kept = std::min<int64_t>(rank_, sigma.size());
      // P_R = U_R Σ_R V_Rᵀ, applied right to left: P_R V = U_R (Σ_R (V_Rᵀ V)).
      const auto u = svd.matrixU().leftCols(kept);  // (Lq, R)
      const MatrixD sv =
          sigma.head(kept).asDiagonal() * svd.matrixV().leftCols(kept).transpose();      // (R, Lk)
      const MatrixD vd = ConstMapMatrixF(v.ptr() + h * lk * dv, lk, dv).cast<double>();  // (Lk, dv)
      MapMatrixF(result.out.ptr() + h * lq * dv, lq, dv) = (u * (sv * vd)).cast<float>();
      if (options.capture_probs)
        MapMatrixF(result.probs.ptr() + h * prob_rows * lk, prob_rows, lk) =
            (u.middleRows(options.prob_row_begin, prob_rows) * sv).cast<float>();
      const int64_t tail = sigma.size() - kept;
      if (tail > 0) {
        sigma_next = std::max(sigma_next, sigma(kept));
        frob_tail = std::max(frob_tail, sigma.tail(tail).norm());
      }
      frob_total = std::max(frob_total, sigma.norm());
      if (sigma.size() > 0) sigma_first = std::max(sigma_first, sigma(0));
    }
    // Max over heads of: σ_{R+1} (spectral error), the Frobenius tail, ‖P‖_F and σ_1.
    result.stats["rank"] = double(rank_);
    result.stats["sigma_tail_2"] = sigma_next;
    result.stats["frob_tail"] = frob_tail;
    result.stats["frob_total"] = frob_total;
    result.stats["sigma_1"] = sigma_first;
    return result;
  }

 private:
  int rank_;
};

}  // namespace

std::unique_ptr<Variant> make_svd(SpecParams& params) {
  const int rank = params.get_int("rank", 0, 1, std::numeric_limits<int>::max());
  if (rank == 0)
    throw Error("attention variant '" + params.text() +
                "': svd needs rank=R (R >= 1); valid variants: " + valid_variant_specs());
  params.expect_all_used();
  return std::make_unique<SvdAttention>(rank);
}

}  // namespace vs::attention
