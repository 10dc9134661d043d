#include "core/accel/fidelity.h"

#include <cmath>
#include <limits>
#include <string>

#include "core/error.h"

namespace vs::accel {

namespace {

void same_shape(const Tensor& a, const Tensor& b, const char* who) {
  if (a.shape != b.shape) throw Error(std::string(who) + ": shapes " + a.shape_str() + " and " + b.shape_str() + " differ");
}

}  // namespace

double token_agreement(const std::vector<int64_t>& ids, const std::vector<int64_t>& exact_ids) {
  if (ids.size() != exact_ids.size() || ids.empty())
    throw Error("token agreement: " + std::to_string(ids.size()) + " ids against " +
                std::to_string(exact_ids.size()) + " (need the same, nonzero count)");
  size_t same = 0;
  for (size_t i = 0; i < ids.size(); ++i) same += ids[i] == exact_ids[i];
  return double(same) / double(ids.size());
}

double relative_error(const Tensor& a, const Tensor& exact) {
  same_shape(a, exact, "relative error");
  double diff = 0, norm = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    const double d = double(a.data[i]) - double(exact.data[i]);
    diff += d * d;
    norm += double(exact.data[i]) * double(exact.data[i]);
  }
  if (norm == 0) return diff == 0 ? 0.0 : std::numeric_limits<double>::infinity();
  return std::sqrt(diff / norm);
}

double psnr01(const Tensor& image01, const Tensor& exact01) {
  same_shape(image01, exact01, "PSNR");
  if (image01.numel() == 0) throw Error("PSNR: empty images");
  double sq = 0;
  for (int64_t i = 0; i < image01.numel(); ++i) {
    const double d = double(image01.data[i]) - double(exact01.data[i]);
    sq += d * d;
  }
  if (sq == 0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(double(image01.numel()) / sq);
}

}  // namespace vs::accel
