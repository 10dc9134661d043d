// Ranks of the polynomial feature map (theory §2.3): how many columns U and W have.
#pragma once
#include <cstdint>

namespace vs::theory {

// C(n, k) as a double: exact while the result is below 2^53, a close approximation above,
// +inf only beyond double's range. Requires 0 ≤ k ≤ n.
double binomial(int64_t n, int64_t k);
// C(n, k) as an int64, saturating at INT64_MAX instead of overflowing.
int64_t binomial_saturating(int64_t n, int64_t k);

// The exact rank r = C(d+g, g): the number of monomials of degree ≤ g in d variables,
// one feature column each (§2.3).
double monomial_rank(int64_t head_dim, int degree);
int64_t monomial_rank_saturating(int64_t head_dim, int degree);

// AS23's bound C(2(g+d), 2g) (monomials in 2d variables of degree ≤ 2g): valid but very
// loose, shown only for comparison (Table B / §2.8).
double as23_rank_bound(int64_t head_dim, int degree);

}  // namespace vs::theory
