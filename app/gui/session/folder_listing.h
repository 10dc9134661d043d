// What the file browser shows, without a window: one folder's sub-folders and the files a
// dialog accepts (by extension, case-insensitive), hidden entries left out, folders first,
// each group sorted by name; an unreadable folder is an error naming it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace vs::gui {

struct FolderEntry {
  std::string name;
  bool is_folder = false;
  int64_t bytes = 0;  // files only
};

struct FolderListing {
  std::string folder;  // absolute, without a trailing slash (except "/")
  std::vector<FolderEntry> entries;
  std::string error;   // why the folder could not be read; entries then empty
};

// extensions: ".safetensors", ".pth", …; empty: every file.
FolderListing list_folder(const std::string& folder, const std::vector<std::string>& extensions);

// "/a/b" -> "/a"; "/" stays "/".
std::string parent_folder(const std::string& folder);
// folder + "/" + name without doubling the slash.
std::string join_path(const std::string& folder, const std::string& name);
// The path made absolute against the working folder ("" stays the working folder).
std::string absolute_path(const std::string& path);
// "12 KB", "3.4 MB".
std::string size_text(int64_t bytes);

}  // namespace vs::gui
