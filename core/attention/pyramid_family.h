// Which pyramid each side of a runtime-scaling sweep uses. One family per sweep, chosen
// explicitly: mixing the hand-written official schedules (14 scales at n = 64) with a
// geometric rule (10 scales elsewhere) bends the fitted slope by the change of rule, not
// by the cost of attention.
#pragma once
#include <string>
#include <vector>

namespace vs::attention {

struct PyramidFamily {
  enum class Kind { kOfficial, kGeometric } kind = Kind::kGeometric;
  int scales = 10;  // geometric: sides round(n^(k/(scales−1))), k = 0..scales−1, deduplicated
};

// "official", "geometric" or "geometric:scales=N" (2 <= N <= 64); throws vs::Error naming
// the text and the valid forms.
PyramidFamily parse_pyramid_family(const std::string& text);
// "official" | "geometric:scales=10"
std::string pyramid_family_spec(const PyramidFamily& family);
// One line for tables and plots: what the family's pyramids are.
std::string describe_pyramid_family(const PyramidFamily& family);

// round(n^(k/(scales−1))) for k = 0..scales−1 with repeats removed; throws for n < 1 or
// scales < 2.
std::vector<int> geometric_pyramid(int final_side, int scales);
// VAR's hand-written schedules, which exist for n = 16, 32 and 64 only; throws vs::Error
// for other sides, saying which exist.
std::vector<int> official_pyramid(int final_side);
// The family's pyramid for final side n.
std::vector<int> family_pyramid(const PyramidFamily& family, int final_side);

}  // namespace vs::attention
