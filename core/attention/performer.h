// The FAVOR+ random-feature pieces of the `performer` variant (theory §6, Performer row),
// exposed so tests can check the kernel estimate itself, not only the normalised output.
#pragma once
#include <Eigen/Core>
#include <cstdint>

namespace vs::attention {

using RowMatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// The random projection ω: (features, head_dim), one row per feature. Rows come in blocks
// of head_dim mutually orthogonal directions (Gram–Schmidt of Gaussian rows, i.e. Haar
// orthogonal), each row rescaled to the norm of an independent Gaussian vector (chi with
// head_dim degrees of freedom), so every row is marginally N(0, I) and the estimate stays
// unbiased. Drawn from random::OmegaNormals (random/rng.h: xoshiro256** + Box–Muller):
// the same seed gives the same ω on every machine (up to libm's last-ulp log/cos/sqrt).
RowMatrixD performer_projection(int features, int64_t head_dim, uint64_t seed);

// Log of the positive features before stabilisation: for each row x of `x` (n, head_dim),
// log φ(x)_i = ω_iᵀx − ‖x‖²/2 − ½·ln m, so that φ(x)·φ(y) = (1/m)Σ_i exp(ω_iᵀ(x+y) − ‖x‖²/2 − ‖y‖²/2)
// is an unbiased estimate of exp(xᵀy). Returns (n, features).
RowMatrixD performer_log_features(const RowMatrixD& projection, const RowMatrixD& x);

}  // namespace vs::attention
