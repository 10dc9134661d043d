// Runs a shell command for the GUI tests and captures its exit code and output.
#pragma once
#include <sys/wait.h>

#include <cstdio>
#include <string>

struct ProcessResult {
  int exit_code = -1;
  std::string output;  // stdout + stderr, as the command line redirects them
};

inline ProcessResult run_process_once(const std::string& command) {
  ProcessResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// xvfb-run itself sometimes fails to remove its temporary directory after a very short run
// (exit 5, "problem while cleaning up temporary directory"), hiding the explorer's own exit
// code; the explorer's runs are deterministic, so such a run is simply repeated.
inline ProcessResult run_process(const std::string& command) {
  ProcessResult result;
  for (int attempt = 0; attempt < 3; ++attempt) {
    result = run_process_once(command);
    if (result.output.find("xvfb-run: error: problem while cleaning up temporary directory") == std::string::npos)
      break;
  }
  return result;
}
