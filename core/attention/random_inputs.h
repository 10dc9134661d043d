// Reproducible random attention inputs and the error measure the experiments report.
#pragma once
#include <random>
#include <vector>

#include "core/tensor.h"

namespace vs::attention {

// Entries uniform in [−bound, bound]. mt19937_64's raw output is fixed by the C++ standard
// (unlike its distributions), so a seed gives the same inputs on every machine.
Tensor uniform_tensor(Shape shape, double bound, std::mt19937_64& rng);

// ‖approx − reference‖_F / ‖reference‖_F (absolute when the reference is zero).
double relative_frobenius_error(const std::vector<float>& approx, const std::vector<double>& reference);
double relative_frobenius_error(const Tensor& approx, const Tensor& reference);

}  // namespace vs::attention
