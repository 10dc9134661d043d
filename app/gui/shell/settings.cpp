#include "app/gui/shell/settings.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace vs::gui {

std::string config_directory() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) return std::string(xdg) + "/varscope";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.config/varscope";
  return "";
}

void Settings::load(const std::string& path) {
  // Only a regular file: a pipe put where the settings live would block the start for ever.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
  std::ifstream in(path);
  if (!in) return;
  std::stringstream text;
  text << in.rdbuf();
  parse(text.str());
}

bool make_directories(const std::string& directory) {
  for (size_t pos = 1; (pos = directory.find('/', pos)) != std::string::npos; ++pos)
    ::mkdir(directory.substr(0, pos).c_str(), 0755);
  ::mkdir(directory.c_str(), 0755);
  struct stat st;
  return ::stat(directory.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool Settings::save(const std::string& path) const {
  const size_t slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0 && !make_directories(path.substr(0, slash))) return false;
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    if (!out) return false;
    out << serialize();
    if (!out) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;  // atomic: never a half-written file
}

std::string Settings::get(const std::string& key, const std::string& fallback) const {
  const auto it = values_.find(key);
  return it == values_.end() ? fallback : it->second;
}

int Settings::get_int(const std::string& key, int fallback) const {
  const std::string text = get(key, "");
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  return text.empty() || *end != '\0' ? fallback : int(value);
}

double Settings::get_double(const std::string& key, double fallback) const {
  const std::string text = get(key, "");
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  return text.empty() || *end != '\0' ? fallback : value;
}

bool Settings::get_bool(const std::string& key, bool fallback) const {
  const std::string text = get(key, "");
  return text == "1" ? true : text == "0" ? false : fallback;
}

void Settings::set_double(const std::string& key, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  values_[key] = buffer;
}

std::string Settings::serialize() const {
  std::string text;
  for (const auto& [key, value] : values_) text += key + "=" + value + "\n";
  return text;
}

void Settings::parse(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const size_t eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos || eq == 0) continue;
    values_[line.substr(0, eq)] = line.substr(eq + 1);
  }
}

}  // namespace vs::gui
