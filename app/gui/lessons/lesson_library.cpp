#include "app/gui/lessons/lesson_library.h"

#include <dirent.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "app/gui/lessons/lesson_markdown.h"
#include "core/io/model_ref.h"

namespace vs::gui::lessons {

std::vector<std::string> lesson_directories() {
  std::vector<std::string> dirs;
  for (const std::string& models : io::model_directories()) dirs.push_back(models + "/../lessons");
#ifdef VARSCOPE_SOURCE_DIR
  dirs.push_back(std::string(VARSCOPE_SOURCE_DIR) + "/assets/lessons");
#endif
  return dirs;
}

std::vector<Chapter> load_chapters(const std::vector<std::string>& directories) {
  for (const std::string& dir : directories) {
    DIR* d = opendir(dir.c_str());
    if (!d) continue;
    std::vector<Chapter> chapters;
    while (const dirent* entry = readdir(d)) {
      const std::string name = entry->d_name;
      // "NN-name.md"
      if (name.size() < 6 || !std::isdigit(static_cast<unsigned char>(name[0])) ||
          !std::isdigit(static_cast<unsigned char>(name[1])) || name[2] != '-' ||
          name.compare(name.size() - 3, 3, ".md") != 0)
        continue;
      Chapter c;
      c.number = std::stoi(name.substr(0, 2));
      c.file = dir + "/" + name;
      std::ifstream in(c.file, std::ios::binary);
      if (!in) continue;
      std::ostringstream text;
      text << in.rdbuf();
      c.source = text.str();
      c.title = first_heading(parse_markdown(c.source));
      if (c.title.empty()) c.title = name;
      chapters.push_back(std::move(c));
    }
    closedir(d);
    if (chapters.empty()) continue;
    std::sort(chapters.begin(), chapters.end(), [](const Chapter& a, const Chapter& b) { return a.number < b.number; });
    return chapters;
  }
  return {};
}

}  // namespace vs::gui::lessons
