#include "core/io/class_names.h"

#include "core/io/safetensors.h"

namespace vs::io {

std::vector<std::string> parse_class_names(const std::string& text) {
  std::vector<std::string> names;
  std::string current;
  bool any = false;
  for (char c : text) {
    if (c == '[' || c == ']' || c == '"') continue;
    if (c == ',') {
      names.push_back(current), current.clear();
      continue;
    }
    if (!(current.empty() && c == ' ')) current += c;
    any = true;
  }
  if (any) names.push_back(current);
  return names;
}

std::vector<std::string> metadata_class_names(const std::string& path) {
  const std::string suffix = ".safetensors";
  if (path.size() < suffix.size() || path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) return {};
  const SafetensorsFile file = SafetensorsFile::open(path);
  const auto it = file.metadata().find("class_names");
  return it == file.metadata().end() ? std::vector<std::string>{} : parse_class_names(it->second);
}

}  // namespace vs::io
