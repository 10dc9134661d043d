#include "core/attention/random_inputs.h"

#include <cmath>

namespace vs::attention {

Tensor uniform_tensor(Shape shape, double bound, std::mt19937_64& rng) {
  Tensor t(std::move(shape));
  for (float& x : t.data) {
    const double u = double(rng() >> 11) * 0x1.0p-53;  // [0, 1)
    x = static_cast<float>((2.0 * u - 1.0) * bound);
  }
  return t;
}

namespace {
template <typename A, typename R>
double relative_error(const A& approx, const R& reference) {
  double num = 0, den = 0;
  for (size_t i = 0; i < approx.size(); ++i) {
    const double diff = double(approx[i]) - double(reference[i]);
    num += diff * diff;
    den += double(reference[i]) * double(reference[i]);
  }
  return den > 0 ? std::sqrt(num / den) : std::sqrt(num);
}
}  // namespace

double relative_frobenius_error(const std::vector<float>& approx, const std::vector<double>& reference) {
  return relative_error(approx, reference);
}

double relative_frobenius_error(const Tensor& approx, const Tensor& reference) {
  return relative_error(approx.data, reference.data);
}

}  // namespace vs::attention
