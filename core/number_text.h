// Numbers and lists of numbers in flags, spec strings and metadata, parsed strictly: the
// whole text must be the number ("4x", "", " 4" are not 4), and every item of a list must
// be there ("1,,2" and "1,2," have an empty item that callers refuse with their own words).
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace vs {

std::optional<long> parse_whole_long(const std::string& text);
std::optional<double> parse_whole_double(const std::string& text);
// A non-negative whole number up to 2⁶⁴ − 1 (seeds); "-1" is refused, not wrapped.
std::optional<unsigned long long> parse_whole_unsigned(const std::string& text);
// "a,b" -> {"a", "b"}; "" -> {""}; "a," -> {"a", ""}.
std::vector<std::string> split_items(const std::string& text, char separator = ',');
// The text without leading and trailing spaces (fields typed by hand: "0, 1, 2").
std::string trim_spaces(const std::string& text);

}  // namespace vs
