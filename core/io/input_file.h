// The one check every reader makes before it opens an input path. Opening a named pipe
// blocks until a writer comes (forever, from the explorer's point of view), a device can
// stream without end and a directory is no file at all: so an input must be a regular
// file, and that is decided from stat() before any open().
#pragma once
#include <string>

namespace vs::io {

// Throws vs::Error "PATH: the WHAT is a named pipe, not a regular file" (or "cannot open
// the WHAT: <reason>" when it does not exist); WHAT says what the path was given as
// ("image", "safetensors file", "checkpoint"). Symbolic links are followed.
void check_regular_file(const std::string& path, const std::string& what);

}  // namespace vs::io
