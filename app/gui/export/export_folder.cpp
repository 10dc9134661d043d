#include "app/gui/export/export_folder.h"

#include <sys/stat.h>

#include <ctime>

#include "app/gui/session/folder_listing.h"

namespace vs::gui {

namespace {

std::string& folder() {
  static std::string f = absolute_path("");
  return f;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace

void set_export_folder(const std::string& f) { folder() = absolute_path(f); }

const std::string& export_folder() { return folder(); }

std::string unused_path(const std::string& path) {
  if (!exists(path)) return path;
  const size_t slash = path.rfind('/');
  size_t dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) dot = path.size();
  for (int n = 2;; ++n) {
    const std::string candidate = path.substr(0, dot) + "-" + std::to_string(n) + path.substr(dot);
    if (!exists(candidate)) return candidate;
  }
}

std::string export_path(const std::string& what, const std::string& extension) {
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
  return unused_path(join_path(folder(), "varscope-" + what + "-" + stamp + "." + extension));
}

}  // namespace vs::gui
