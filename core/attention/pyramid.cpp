#include "core/attention/pyramid.h"

#include <cmath>
#include <limits>

#include "core/attention/pyramid_family.h"
#include "core/error.h"
#include "core/number_text.h"

namespace vs::attention {

std::vector<int> var_pyramid(int final_side) {
  if (final_side == 16 || final_side == 32 || final_side == 64) return official_pyramid(final_side);
  return geometric_pyramid(final_side, 10);
}

int64_t pyramid_tokens(const std::vector<int>& sides) {
  int64_t total = 0;
  for (int side : sides) {
    if (side < 1) throw Error("pyramid: side " + std::to_string(side) + " is not positive");
    const int64_t sq = int64_t(side) * side;
    if (total > std::numeric_limits<int64_t>::max() - sq) throw Error("pyramid: token count overflows");
    total += sq;
  }
  return total;
}

int64_t pyramid_allowed_pairs(const std::vector<int>& sides) {
  int64_t cum = 0, pairs = 0;
  for (int side : sides) {
    const int64_t sq = int64_t(side) * side;
    cum += sq;
    pairs += sq * cum;
  }
  return pairs;
}

std::string pyramid_to_string(const std::vector<int>& sides) {
  std::string s;
  for (size_t i = 0; i < sides.size(); ++i) s += (i ? "," : "") + std::to_string(sides[i]);
  return s;
}

std::vector<int> parse_pyramid(const std::string& text) {
  std::vector<int> sides;
  for (const std::string& item : split_items(text)) {
    const std::optional<long> parsed = parse_whole_long(item);
    const long value = parsed.value_or(0);
    if (!parsed || value < 1 || value > 65536)
      throw Error("pyramid '" + text + "': '" + item + "' is not a side between 1 and 65536");
    if (!sides.empty() && value <= sides.back())
      throw Error("pyramid '" + text + "': sides must increase strictly");
    sides.push_back(static_cast<int>(value));
  }
  if (sides.empty()) throw Error("pyramid '" + text + "' is empty");
  if (text.back() == ',') throw Error("pyramid '" + text + "': trailing ','");
  return sides;
}

}  // namespace vs::attention
