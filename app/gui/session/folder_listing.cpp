#include "app/gui/session/folder_listing.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace vs::gui {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool accepted(const std::string& name, const std::vector<std::string>& extensions) {
  if (extensions.empty()) return true;
  const std::string n = lower(name);
  for (const std::string& e : extensions)
    if (n.size() > e.size() && n.compare(n.size() - e.size(), e.size(), lower(e)) == 0) return true;
  return false;
}

}  // namespace

std::string absolute_path(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  char cwd[4096];
  const std::string base = ::getcwd(cwd, sizeof cwd) ? cwd : ".";
  return path.empty() || path == "." ? base : join_path(base, path);
}

std::string join_path(const std::string& folder, const std::string& name) {
  if (folder.empty()) return name;
  return folder.back() == '/' ? folder + name : folder + "/" + name;
}

std::string parent_folder(const std::string& folder) {
  std::string f = folder;
  while (f.size() > 1 && f.back() == '/') f.pop_back();
  const size_t slash = f.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : f.substr(0, slash);
}

std::string size_text(int64_t bytes) {
  char text[32];
  if (bytes < 1024) std::snprintf(text, sizeof text, "%lld B", (long long)bytes);
  else if (bytes < (int64_t(1) << 20)) std::snprintf(text, sizeof text, "%.0f KB", bytes / 1024.0);
  else if (bytes < (int64_t(1) << 30)) std::snprintf(text, sizeof text, "%.1f MB", bytes / 1048576.0);
  else std::snprintf(text, sizeof text, "%.2f GB", bytes / 1073741824.0);
  return text;
}

FolderListing list_folder(const std::string& folder, const std::vector<std::string>& extensions) {
  FolderListing listing;
  listing.folder = absolute_path(folder);
  while (listing.folder.size() > 1 && listing.folder.back() == '/') listing.folder.pop_back();
  DIR* dir = ::opendir(listing.folder.c_str());
  if (!dir) {
    listing.error = "cannot read the folder " + listing.folder + ": " + std::strerror(errno);
    return listing;
  }
  while (const dirent* e = ::readdir(dir)) {
    const std::string name = e->d_name;
    if (name.empty() || name[0] == '.') continue;
    struct stat st {};
    if (::stat(join_path(listing.folder, name).c_str(), &st) != 0) continue;  // a dangling link
    if (S_ISDIR(st.st_mode)) listing.entries.push_back({name, true, 0});
    else if (S_ISREG(st.st_mode) && accepted(name, extensions)) listing.entries.push_back({name, false, int64_t(st.st_size)});
  }
  ::closedir(dir);
  std::sort(listing.entries.begin(), listing.entries.end(), [](const FolderEntry& a, const FolderEntry& b) {
    if (a.is_folder != b.is_folder) return a.is_folder;
    return lower(a.name) < lower(b.name);
  });
  return listing;
}

}  // namespace vs::gui
