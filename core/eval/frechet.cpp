#include "core/eval/frechet.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"

namespace vs::eval {

namespace {

// Symmetric PSD square root: V·diag(√max(λ, 0))·Vᵀ (negative λ are rounding noise).
Eigen::MatrixXd psd_sqrt(const Eigen::MatrixXd& m) {
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(m);
  if (eig.info() != Eigen::Success) throw Error("Fréchet distance: eigendecomposition did not converge");
  const Eigen::VectorXd roots = eig.eigenvalues().cwiseMax(0.0).cwiseSqrt();
  return eig.eigenvectors() * roots.asDiagonal() * eig.eigenvectors().transpose();
}

}  // namespace

Gaussian fit_gaussian(const Tensor& features) {
  if (features.rank() != 2 || features.dim(0) < 2 || features.dim(1) < 1)
    throw Error("Fréchet statistics need features [N >= 2, D >= 1], got " + features.shape_str());
  for (float v : features.data)
    if (!std::isfinite(v)) throw Error("Fréchet statistics: the features hold a non-finite value");
  const Eigen::MatrixXd x = as_matrix(features).cast<double>();
  Gaussian g;
  g.count = features.dim(0);
  g.mean = x.colwise().mean().transpose();
  const Eigen::MatrixXd centred = x.rowwise() - g.mean.transpose();
  g.covariance = centred.transpose() * centred / double(g.count - 1);
  return g;
}

double frechet_distance(const Gaussian& a, const Gaussian& b) {
  if (a.mean.size() != b.mean.size() || a.covariance.rows() != a.mean.size() ||
      b.covariance.rows() != b.mean.size())
    throw Error("Fréchet distance: feature dimensions differ (" + std::to_string(a.mean.size()) + " vs " +
                std::to_string(b.mean.size()) + ")");
  const Eigen::MatrixXd root_a = psd_sqrt(a.covariance);
  Eigen::MatrixXd middle = root_a * b.covariance * root_a;
  middle = 0.5 * (middle + middle.transpose());  // symmetric up to rounding; make it exact
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(middle, Eigen::EigenvaluesOnly);
  if (eig.info() != Eigen::Success) throw Error("Fréchet distance: eigendecomposition did not converge");
  const double cross_trace = eig.eigenvalues().cwiseMax(0.0).cwiseSqrt().sum();
  const double d2 = (a.mean - b.mean).squaredNorm() + a.covariance.trace() + b.covariance.trace() - 2.0 * cross_trace;
  return std::max(d2, 0.0);
}

}  // namespace vs::eval
