#include "core/attention/poly_features.h"

#include <limits>

#include "core/error.h"
#include "core/theory/rank.h"

namespace vs::attention {

PolynomialFeatures::PolynomialFeatures(int64_t head_dim, int degree) : head_dim_(head_dim) {
  const int64_t rank = theory::monomial_rank_saturating(head_dim, degree);
  if (rank > std::numeric_limits<int>::max())
    throw Error("poly features: rank C(" + std::to_string(head_dim + degree) + ", " +
                std::to_string(degree) + ") is beyond any memory; lower the degree");
  parent_.reserve(rank);
  std::vector<int> last_variable, run_length;  // per monomial: its last coordinate, its exponent
  parent_.push_back(-1);
  variable_.push_back(-1);
  degree_.push_back(0);
  multinomial_.push_back(1.0);
  last_variable.push_back(0);
  run_length.push_back(0);
  int begin = 0;
  for (int k = 1; k <= degree; ++k) {
    const int end = static_cast<int>(parent_.size());
    for (int m = begin; m < end; ++m) {
      for (int i = last_variable[m]; i < head_dim; ++i) {
        const int exponent = (k > 1 && i == last_variable[m]) ? run_length[m] + 1 : 1;
        parent_.push_back(m);
        variable_.push_back(i);
        degree_.push_back(k);
        // k!/α! = (k−1)!/α'! · k/α_i, with α_i the new exponent of x_i.
        multinomial_.push_back(multinomial_[m] * k / exponent);
        last_variable.push_back(i);
        run_length.push_back(exponent);
      }
    }
    begin = end;
  }
}

std::vector<double> PolynomialFeatures::query_weights(const std::vector<double>& coefficients) const {
  std::vector<double> weights(rank());
  for (int64_t m = 0; m < rank(); ++m)
    weights[m] = coefficients.at(degree_[m]) * multinomial_[m];
  return weights;
}

void PolynomialFeatures::fill(const float* input, int64_t rows, double factor,
                              const double* weight, double* features) const {
  const int64_t r = rank();
  std::vector<double> x(head_dim_);
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t c = 0; c < head_dim_; ++c) x[c] = factor * input[i * head_dim_ + c];
    double* f = features + i * r;
    f[0] = 1.0;
    for (int64_t m = 1; m < r; ++m) f[m] = f[parent_[m]] * x[variable_[m]];
    // After the pass: children need their parents' plain monomials.
    if (weight)
      for (int64_t m = 0; m < r; ++m) f[m] *= weight[m];
  }
}

}  // namespace vs::attention
