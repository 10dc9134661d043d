#include "core/attention/spec_params.h"

#include <sstream>
#include <utility>

#include "core/attention/attention.h"
#include "core/error.h"

namespace vs::attention {

SpecParams::SpecParams(const std::string& spec)
    : SpecParams(spec, "attention variant", "valid variants: " + valid_variant_specs()) {}

void SpecParams::fail(const std::string& why) const {
  throw Error(kind_ + " '" + text_ + "': " + why + "; " + usage_);
}

SpecParams::SpecParams(const std::string& spec, std::string kind, std::string usage)
    : text_(spec), kind_(std::move(kind)), usage_(std::move(usage)) {
  std::stringstream in(spec);
  std::string part;
  bool first = true;
  while (std::getline(in, part, ':')) {
    if (first) {
      name_ = part;
      first = false;
      continue;
    }
    const size_t eq = part.find('=');
    if (eq == std::string::npos && !part.empty()) {
      if (flags_.count(part)) fail("parameter '" + part + "' is given twice");
      flags_[part] = false;
      continue;
    }
    if (eq == std::string::npos || eq == 0 || eq + 1 == part.size())
      fail("parameter '" + part + "' is not key=value");
    const std::string key = part.substr(0, eq);
    if (values_.count(key)) fail("parameter '" + key + "' is given twice");
    values_[key] = part.substr(eq + 1);
    used_[key] = false;
  }
  if (name_.empty()) fail("no name");
  if (spec.back() == ':') fail("trailing ':' without a parameter");
}

int SpecParams::get_int(const std::string& key, int fallback, int min_value, int max_value) {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  used_[key] = true;
  size_t used = 0;
  long value = 0;
  try {
    value = std::stol(it->second, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != it->second.size() || value < min_value || value > max_value)
    fail(key + "=" + it->second + " is not an integer in [" + std::to_string(min_value) +
                    ", " + std::to_string(max_value) + "]");
  return static_cast<int>(value);
}

double SpecParams::get_double(const std::string& key, double fallback, double min_value,
                              double max_value) {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  used_[key] = true;
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(it->second, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != it->second.size() || !(value >= min_value && value <= max_value))
    fail(key + "=" + it->second + " is not a number in [" + std::to_string(min_value) +
                    ", " + std::to_string(max_value) + "]");
  return value;
}

std::string SpecParams::get_choice(const std::string& key, const std::string& fallback,
                                   const std::vector<std::string>& choices) {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  used_[key] = true;
  for (const auto& c : choices)
    if (c == it->second) return c;
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "" : "|") + c;
  fail(key + "=" + it->second + " is not one of " + list);
}

std::string SpecParams::get_text(const std::string& key) {
  auto it = values_.find(key);
  if (it == values_.end()) return "";
  used_[key] = true;
  return it->second;
}

bool SpecParams::get_flag(const std::string& word) {
  auto it = flags_.find(word);
  if (it == flags_.end()) return false;
  it->second = true;
  return true;
}

void SpecParams::expect_all_used() const {
  for (const auto& [word, used] : flags_)
    if (!used) fail("parameter '" + word + "' is not key=value");
  for (const auto& [key, used] : used_)
    if (!used) fail("unknown parameter '" + key + "' for " + name_);
}

}  // namespace vs::attention
