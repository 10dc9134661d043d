// Runs the real varscope-cli binary (VARSCOPE_CLI) for the end-to-end CLI tests.
#pragma once
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/support/test_folder.h"

namespace vs::test {

struct CliRun {
  int exit_code;
  std::string output;  // what `capture` asked for
};

// Which of the command's streams CliRun::output holds.
enum class Capture { kAll, kStderr, kStdout };

// Runs a shell command line; its stdout becomes CliRun::output.
inline CliRun run_shell(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  std::string output;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

inline CliRun run_cli(const std::string& arguments, Capture capture = Capture::kAll) {
  const char* redirect = capture == Capture::kAll ? " 2>&1" : capture == Capture::kStderr ? " 2>&1 >/dev/null" : " 2>/dev/null";
  return run_shell(std::string(VARSCOPE_CLI) + " " + arguments + redirect);
}

// `name` inside the build tree's tests/<dir_name>/ (created, left as it is).
inline std::string test_file(const std::string& dir_name, const std::string& name) {
  const std::string dir = std::string(VARSCOPE_BINARY_DIR) + "/tests/" + dir_name;
  std::filesystem::create_directories(dir);
  return dir + "/" + name;
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace vs::test
