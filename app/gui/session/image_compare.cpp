#include "app/gui/session/image_compare.h"

#include <cmath>
#include <cstdlib>
#include <limits>

namespace vs::gui {

std::vector<float> abs_difference_map(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  if (a.size() != b.size() || a.size() % 3) return {};
  std::vector<float> map(a.size() / 3);
  for (size_t p = 0; p < map.size(); ++p) {
    int sum = 0;
    for (int c = 0; c < 3; ++c) sum += std::abs(int(a[3 * p + c]) - int(b[3 * p + c]));
    map[p] = float(sum) / (3.0f * 255.0f);
  }
  return map;
}

double relative_l2_error(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  if (a.size() != b.size()) return std::numeric_limits<double>::quiet_NaN();
  double diff = 0, norm = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = double(a[i]) - double(b[i]);
    diff += d * d, norm += double(a[i]) * a[i];
  }
  if (norm == 0) return diff == 0 ? 0.0 : std::numeric_limits<double>::infinity();
  return std::sqrt(diff / norm);
}

double token_agreement(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  if (a.size() != b.size() || a.empty()) return std::numeric_limits<double>::quiet_NaN();
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
  return double(same) / double(a.size());
}

}  // namespace vs::gui
