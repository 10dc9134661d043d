#include <cmath>

#include "app/cli/commands.h"
#include "core/error.h"

namespace vs::cli {

Args::Args(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0 || a.size() == 2) {
      // Positional words (e.g. "bench attention") are kept under their position.
      values_["#" + std::to_string(values_.size() + flags_.size())] = a;
      continue;
    }
    a = a.substr(2);
    const size_t eq = a.find('=');
    if (eq != std::string::npos) {
      values_[a.substr(0, eq)] = a.substr(eq + 1);
    } else if (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0) {
      values_[a] = argv[++i];
    } else {
      flags_.insert(a);
    }
  }
}

bool Args::flag(const std::string& name) {
  used_.insert(name);
  if (values_.count(name)) throw Error("--" + name + " takes no value");
  return flags_.count(name) != 0;
}

std::string Args::get(const std::string& name, const std::string& fallback) {
  used_.insert(name);
  if (flags_.count(name)) throw Error("--" + name + " needs a value");
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

std::string Args::require(const std::string& name) {
  used_.insert(name);
  auto it = values_.find(name);
  if (it == values_.end()) throw Error("missing required flag --" + name);
  return it->second;
}

double Args::get_double(const std::string& name, double fallback, double min_value,
                        double max_value) {
  const std::string text = get(name, "");
  if (text.empty()) return fallback;
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !std::isfinite(value) || value < min_value || value > max_value)
    throw Error("--" + name + " " + text + ": expected a number in [" + std::to_string(min_value) +
                ", " + std::to_string(max_value) + "]");
  return value;
}

long Args::get_int(const std::string& name, long fallback, long min_value, long max_value) {
  const std::string text = get(name, "");
  if (text.empty()) return fallback;
  size_t used = 0;
  long value = 0;
  try {
    value = std::stol(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || value < min_value || value > max_value)
    throw Error("--" + name + " " + text + ": expected an integer in [" +
                std::to_string(min_value) + ", " + std::to_string(max_value) + "]");
  return value;
}

std::string Args::positional(size_t index) {
  const std::string key = "#" + std::to_string(index);
  used_.insert(key);
  auto it = values_.find(key);
  return it == values_.end() ? std::string() : it->second;
}

void Args::finish() const {
  for (const auto& [key, value] : values_)
    if (!used_.count(key))
      throw Error(key[0] == '#' ? "unexpected argument '" + value + "'"
                                : "unknown flag --" + key);
  for (const auto& key : flags_)
    if (!used_.count(key)) throw Error("unknown flag --" + key);
}

}  // namespace vs::cli
