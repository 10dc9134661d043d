#include "core/attention/pyramid_family.h"

#include <cmath>

#include "core/attention/spec_params.h"
#include "core/error.h"

namespace vs::attention {

PyramidFamily parse_pyramid_family(const std::string& text) {
  const std::string valid = " (valid: official, geometric, geometric:scales=N with 2 <= N <= 64)";
  PyramidFamily family;
  try {
    SpecParams params(text);
    if (params.name() == "official") {
      family.kind = PyramidFamily::Kind::kOfficial;
    } else if (params.name() == "geometric") {
      family.kind = PyramidFamily::Kind::kGeometric;
      family.scales = params.get_int("scales", 10, 2, 64);
    } else {
      throw Error("unknown family '" + params.name() + "'");
    }
    params.expect_all_used();
  } catch (const Error& e) {
    throw Error("pyramid family '" + text + "': " + e.what() + valid);
  }
  return family;
}

std::string pyramid_family_spec(const PyramidFamily& family) {
  return family.kind == PyramidFamily::Kind::kOfficial ? "official"
                                                       : "geometric:scales=" + std::to_string(family.scales);
}

std::string describe_pyramid_family(const PyramidFamily& family) {
  if (family.kind == PyramidFamily::Kind::kOfficial) return "official VAR schedules (n = 16, 32, 64)";
  return "geometric, " + std::to_string(family.scales) + " scales: sides round(n^(k/" +
         std::to_string(family.scales - 1) + ")), k = 0.." + std::to_string(family.scales - 1);
}

std::vector<int> geometric_pyramid(int final_side, int scales) {
  if (final_side < 1) throw Error("pyramid: final side must be >= 1, got " + std::to_string(final_side));
  if (scales < 2) throw Error("pyramid: a geometric pyramid needs >= 2 scales, got " + std::to_string(scales));
  std::vector<int> sides;
  for (int k = 0; k < scales; ++k) {
    const int side = static_cast<int>(std::lround(std::pow(double(final_side), double(k) / (scales - 1))));
    if (sides.empty() || side != sides.back()) sides.push_back(side);
  }
  return sides;
}

std::vector<int> official_pyramid(int final_side) {
  if (final_side == 16) return {1, 2, 3, 4, 5, 6, 8, 10, 13, 16};
  if (final_side == 32) return {1, 2, 3, 4, 6, 9, 13, 18, 24, 32};
  if (final_side == 64) return {1, 2, 3, 4, 5, 7, 9, 12, 16, 21, 27, 36, 48, 64};
  throw Error("pyramid: no official VAR schedule for n = " + std::to_string(final_side) +
              " (they exist for 16, 32 and 64; use the geometric family for other sides)");
}

std::vector<int> family_pyramid(const PyramidFamily& family, int final_side) {
  return family.kind == PyramidFamily::Kind::kOfficial ? official_pyramid(final_side)
                                                       : geometric_pyramid(final_side, family.scales);
}

}  // namespace vs::attention
