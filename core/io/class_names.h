// Class names a checkpoint carries in its safetensors metadata "class_names" (a JSON array
// of strings, or a comma-separated list), read from the header only.
#pragma once
#include <string>
#include <vector>

namespace vs::io {

// "a,b,c" or ["a","b"] -> names.
std::vector<std::string> parse_class_names(const std::string& text);
// Empty for a file without them (every .pth); throws vs::Error when the file is unreadable.
std::vector<std::string> metadata_class_names(const std::string& path);

}  // namespace vs::io
