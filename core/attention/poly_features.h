// The explicit feature map of the Alman–Song polynomial method (theory §2.3). For a
// polynomial P(x) = Σ_k c_k x^k, the multinomial theorem gives
//   P(τ q·k) = Σ_α c_|α|·(|α|!/α!)·(τq)^α · k^α,
// one term per monomial α of degree ≤ g in d variables — exactly r = C(d+g, g) of them.
// The query side carries the signed coefficient (Chebyshev coefficients can be negative),
// the key side the bare monomial: U_i·W_j = P(τ q_i·k_j).
#pragma once
#include <cstdint>
#include <vector>

namespace vs::attention {

class PolynomialFeatures {
 public:
  // Throws vs::Error when r = C(d+g, g) exceeds INT_MAX (never materialisable anyway).
  PolynomialFeatures(int64_t head_dim, int degree);

  int64_t rank() const { return static_cast<int64_t>(parent_.size()); }
  int64_t head_dim() const { return head_dim_; }

  // Column weights c_|α|·|α|!/α! (r) for polynomial coefficients c_0..c_g.
  std::vector<double> query_weights(const std::vector<double>& coefficients) const;

  // features (rows, r), row-major: row i = weight[α]·(factor·input_i)^α for every α, input
  // (rows, d) in float; weight may be null (all ones). Accumulated in double.
  void fill(const float* input, int64_t rows, double factor, const double* weight,
            double* features) const;

 private:
  // Monomials in one canonical order shared by U and W: degree by degree; a degree-k
  // monomial x_{i1}…x_{ik} (i1 ≤ … ≤ ik) is its degree-(k−1) parent times x_{ik}, so a
  // feature row costs one multiplication per column.
  int64_t head_dim_;
  std::vector<int> parent_;          // (r) index of the parent monomial; −1 for the constant
  std::vector<int> variable_;        // (r) the coordinate appended
  std::vector<int> degree_;          // (r) |α|
  std::vector<double> multinomial_;  // (r) |α|!/α!
};

}  // namespace vs::attention
