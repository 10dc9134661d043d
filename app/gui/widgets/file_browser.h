// The explorer's own file browser, an ImGui modal: a path bar (type a folder and press
// Enter), Up, the recent folders, the folder's sub-folders and the files the caller
// accepts (by extension) with their sizes; click to select, double-click to enter a folder
// or take a file. Modes: pick a file, or pick a folder (for exports). Listing is
// session/folder_listing (no window needed to test it).
#pragma once
#include <string>
#include <vector>

#include "app/gui/session/folder_listing.h"

namespace vs::gui {

class FileBrowser {
 public:
  enum class Mode { kFile, kFolder };

  // Opens on the next draw(); start: a folder, or a file whose folder to show.
  void open(const std::string& title, Mode mode, const std::string& start, std::vector<std::string> extensions = {});
  // Every frame, inside a window: true once when the user chose, with the absolute path.
  bool draw(std::string* chosen);

  // Folders recently chosen from, newest first, shared by every browser (the shell
  // persists them as one "|"-separated setting).
  static std::vector<std::string>& recent_folders();
  static void remember_folder(const std::string& folder);

 private:
  void go(const std::string& folder);

  std::string title_;
  Mode mode_ = Mode::kFile;
  std::vector<std::string> extensions_;
  FolderListing listing_;
  std::string selected_;  // a file name within listing_.folder
  char path_[1024] = {};
  bool open_requested_ = false;
};

}  // namespace vs::gui
