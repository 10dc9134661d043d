// How every output file is written. Checked before the work (check_output_file), so that
// a bad --out fails in a second instead of after minutes of generation; written to a
// temporary name in the same directory and renamed into place, so that a full disk or a
// failed write never leaves a truncated file under the real name and never touches what
// was there; every write, the fsync and the close are checked.
//
// Outputs never go through a symbolic link or into a special file: the path must be a
// plain name in an existing, writable directory, or an existing regular file.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace vs::io {

// Throws vs::Error "PATH: cannot write the WHAT: <why>" unless PATH could be written.
void check_output_file(const std::string& path, const std::string& what);

// Throws vs::Error unless DIR is a writable directory or could be created (its nearest
// existing ancestor is a writable directory).
void check_output_directory(const std::string& dir, const std::string& what);

struct ByteSpan {
  const void* data;
  size_t size;
};

// Writes the parts, in order, as the file PATH (permissions 0644): check_output_file,
// temporary file, fsync, rename. Throws vs::Error naming PATH on any failure and leaves
// no temporary behind.
void write_file_atomically(const std::string& path, const std::vector<ByteSpan>& parts);
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace vs::io
