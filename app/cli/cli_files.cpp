#include "app/cli/cli_files.h"

#include <filesystem>
#include <system_error>

#include "core/error.h"

namespace vs::cli {

void ensure_directory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    throw Error(dir + ": cannot create the directory (" + (ec ? ec.message() : "not a directory") + ")");
}

std::string join_path(const std::string& dir, const std::string& name) {
  return (std::filesystem::path(dir) / name).string();
}

}  // namespace vs::cli
