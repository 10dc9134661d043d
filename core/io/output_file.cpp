#include "core/io/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/error.h"

namespace vs::io {
namespace {

std::string parent_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

const char* special_kind(mode_t mode) {
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a named pipe";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

[[noreturn]] void refuse(const std::string& path, const std::string& what, const std::string& why) {
  throw Error(path + ": cannot write the " + what + ": " + why);
}

void check_writable_directory(const std::string& dir, const std::string& path, const std::string& what) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) refuse(path, what, "directory " + dir + ": " + std::strerror(errno));
  if (!S_ISDIR(st.st_mode)) refuse(path, what, dir + " is not a directory");
  if (::access(dir.c_str(), W_OK | X_OK) != 0) refuse(path, what, "directory " + dir + ": " + std::strerror(errno));
}

}  // namespace

void check_output_file(const std::string& path, const std::string& what) {
  if (path.empty() || path.back() == '/') refuse(path, what, "the path names no file");
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    refuse(path, what, std::string("it is ") + special_kind(st.st_mode) + "; outputs are written only as regular files");
  check_writable_directory(parent_of(path), path, what);
}

void check_output_directory(const std::string& dir, const std::string& what) {
  std::string existing = dir;
  struct stat st {};
  while (::stat(existing.c_str(), &st) != 0) {
    if (errno != ENOENT) refuse(dir, what, std::strerror(errno));
    const std::string parent = parent_of(existing);
    if (parent == existing) break;
    existing = parent;
  }
  check_writable_directory(existing, dir, what);
}

void write_file_atomically(const std::string& path, const std::vector<ByteSpan>& parts) {
  // Checked here too: renaming over /dev/full (as root) would replace the device.
  check_output_file(path, "file");
  // mkstemp creates the temporary with O_EXCL: it never opens through a link.
  std::string tmp = path + ".tmp.XXXXXX";
  const int fd = mkstemp(&tmp[0]);
  if (fd < 0) throw Error(path + ": cannot create a temporary file beside it: " + std::strerror(errno));
  auto give_up = [&](const char* what) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    throw Error(path + ": " + what + ": " + std::strerror(err));
  };
  for (const ByteSpan& part : parts) {
    const char* p = static_cast<const char*>(part.data);
    size_t n = part.size;
    while (n > 0) {
      const ssize_t w = ::write(fd, p, n);
      if (w < 0 && errno == EINTR) continue;
      if (w == 0) errno = EIO;
      if (w <= 0) give_up("write failed");
      p += w;
      n -= static_cast<size_t>(w);
    }
  }
  if (fchmod(fd, 0644) != 0) give_up("cannot set permissions");
  if (fsync(fd) != 0) give_up("fsync failed");
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw Error(path + ": close failed: " + std::strerror(err));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw Error(path + ": cannot rename the temporary file into place: " + std::strerror(err));
  }
}

void write_file_atomically(const std::string& path, const std::string& text) {
  write_file_atomically(path, std::vector<ByteSpan>{{text.data(), text.size()}});
}

}  // namespace vs::io
