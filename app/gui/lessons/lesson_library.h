// The lesson chapters on disk: assets/lessons/NN-name.md, found beside the model folders
// (installed: <prefix>/share/varscope/lessons; source tree: assets/lessons), read once.
#pragma once
#include <string>
#include <vector>

namespace vs::gui::lessons {

struct Chapter {
  int number = 0;      // 1-based, from the file name's NN
  std::string file;    // full path
  std::string source;  // the Markdown with its {{placeholders}}
  std::string title;   // its first level-1 heading
};

// The folders searched, in order: "lessons" beside every model directory, then the source
// tree's assets/lessons.
std::vector<std::string> lesson_directories();
// The chapters of the first folder that has any NN-*.md, sorted by number; a missing or
// empty folder gives none (the panel then says where it looked).
std::vector<Chapter> load_chapters(const std::vector<std::string>& directories);

}  // namespace vs::gui::lessons
