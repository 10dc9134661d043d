// Progress of a benchmark on stderr, one line per phase, so that a run of minutes (a large
// --size, a FlowAR-H generation on two cores) shows what it is doing while stdout keeps
// only the results table.
#pragma once
#include <cstdarg>
#include <cstdio>

namespace vs::cli {

// Prints "<command>: <printf-formatted text>\n" to stderr and flushes it.
inline void progress_line(const char* command, const char* format, ...) __attribute__((format(printf, 2, 3)));
inline void progress_line(const char* command, const char* format, ...) {
  std::fprintf(stderr, "%s: ", command);
  va_list args;
  va_start(args, format);
  std::vfprintf(stderr, format, args);
  va_end(args);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace vs::cli
