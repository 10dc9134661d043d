#include "core/theory/rank.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace vs::theory {

namespace {
void check_binomial(int64_t n, int64_t k) {
  if (k < 0 || n < 0 || k > n)
    throw Error("binomial C(" + std::to_string(n) + ", " + std::to_string(k) +
                "): need 0 ≤ k ≤ n");
}
}  // namespace

double binomial(int64_t n, int64_t k) {
  check_binomial(n, k);
  k = std::min(k, n - k);
  // Each partial product C(n−k+i, i) is an integer, so while it stays below 2^53 the
  // multiply-then-divide is exact; beyond, rounding is relative 1e−16 per step.
  double value = 1.0;
  for (int64_t i = 1; i <= k; ++i) value = value * double(n - k + i) / double(i);
  return value;
}

int64_t binomial_saturating(int64_t n, int64_t k) {
  check_binomial(n, k);
  k = std::min(k, n - k);
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  unsigned __int128 value = 1;
  for (int64_t i = 1; i <= k; ++i) {
    // value = C(n−k+i−1, i−1) ≤ INT64_MAX and the factor < 2^63, so the product fits.
    value = value * static_cast<unsigned __int128>(n - k + i) / static_cast<unsigned __int128>(i);
    if (value > static_cast<unsigned __int128>(kMax)) return kMax;
  }
  return static_cast<int64_t>(value);
}

double monomial_rank(int64_t head_dim, int degree) {
  if (head_dim < 1 || degree < 0)
    throw Error("monomial rank: need head_dim ≥ 1 and degree ≥ 0, got d=" +
                std::to_string(head_dim) + ", g=" + std::to_string(degree));
  return binomial(head_dim + degree, degree);
}

int64_t monomial_rank_saturating(int64_t head_dim, int degree) {
  if (head_dim < 1 || degree < 0)
    throw Error("monomial rank: need head_dim ≥ 1 and degree ≥ 0, got d=" +
                std::to_string(head_dim) + ", g=" + std::to_string(degree));
  return binomial_saturating(head_dim + degree, degree);
}

double as23_rank_bound(int64_t head_dim, int degree) {
  if (head_dim < 1 || degree < 0)
    throw Error("AS23 rank bound: need head_dim ≥ 1 and degree ≥ 0, got d=" +
                std::to_string(head_dim) + ", g=" + std::to_string(degree));
  return binomial(2 * (int64_t(degree) + head_dim), 2 * int64_t(degree));
}

}  // namespace vs::theory
