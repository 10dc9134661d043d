// Output files of the commands: directories made on demand and paths joined in them.
#pragma once
#include <string>

namespace vs::cli {

// mkdir -p; throws vs::Error naming the directory.
void ensure_directory(const std::string& dir);
std::string join_path(const std::string& dir, const std::string& name);

}  // namespace vs::cli
