// VAR scale pyramids (var.md §1, §7): the sides of the token maps, coarse to fine.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace vs::attention {

// The pyramid a model of final side n uses: the official schedule for 16, 32 and 64,
// otherwise the 10-scale geometric rule (pyramid_family.h). Not for sweeps, which keep one
// family for all sides. Throws for n < 1.
std::vector<int> var_pyramid(int final_side);
// Sum of side^2 (the token count L); throws on overflow or a non-positive side.
int64_t pyramid_tokens(const std::vector<int>& sides);
// Query-key pairs the block-causal mask allows: sum_k side_k^2 * cum_k (var.md §7).
int64_t pyramid_allowed_pairs(const std::vector<int>& sides);
// "1,2,3,4"
std::string pyramid_to_string(const std::vector<int>& sides);
// Parses "1,2,3,4" (strictly increasing positive sides); throws vs::Error naming the text.
std::vector<int> parse_pyramid(const std::string& text);

}  // namespace vs::attention
