// The Fréchet distance between two Gaussians fitted to feature sets (the FID recipe,
// Heusel et al. 2017, here on the Fashion-MNIST classifier's features):
//   d² = |μ₁ − μ₂|² + tr(Σ₁) + tr(Σ₂) − 2·tr((Σ₁^½ Σ₂ Σ₁^½)^½)
// The last trace equals tr((Σ₁Σ₂)^½) but is computed from symmetric positive semi-definite
// matrices only, by eigendecomposition in double precision, so it stays real and stable
// when a covariance is singular (fewer samples than feature dimensions).
#pragma once
#include <Eigen/Core>
#include <cstdint>

#include "core/tensor.h"

namespace vs::eval {

struct Gaussian {
  Eigen::VectorXd mean;        // (D)
  Eigen::MatrixXd covariance;  // (D, D), unbiased (divides by N − 1)
  int64_t count = 0;
};

// features (N, D), N ≥ 2. Throws vs::Error on a bad shape or a non-finite value.
Gaussian fit_gaussian(const Tensor& features);
// Throws vs::Error when the dimensions differ. Never negative (rounding is clamped at 0).
double frechet_distance(const Gaussian& a, const Gaussian& b);

}  // namespace vs::eval
