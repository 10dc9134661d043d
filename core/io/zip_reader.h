// Read-only view of a zip archive whose entries are STORED (uncompressed), which is what
// torch.save (>= 1.6) writes: "<stem>/data.pkl", "<stem>/data/<key>", "<stem>/version".
// Only the central directory is trusted for sizes; every offset and size, ZIP64 ones
// included, is checked against the archive size before a byte is handed out.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace vs::io {

struct ZipEntry {
  std::string name;
  uint64_t data_offset = 0;  // first byte of the entry's data inside the archive
  uint64_t size = 0;         // bytes (stored: compressed size == uncompressed size)
};

class ZipArchive {
 public:
  // Memory-maps `path` and indexes its central directory.
  static ZipArchive open(const std::string& path);
  // Indexes an in-memory image (copied); `label` names it in errors. Used by tests/fuzz.
  static ZipArchive parse(const std::string& label, const uint8_t* bytes, size_t size);

  ZipArchive(ZipArchive&&) noexcept;
  ZipArchive& operator=(ZipArchive&&) noexcept;
  ~ZipArchive();

  const std::string& label() const;
  const std::vector<ZipEntry>& entries() const;         // in central-directory order
  const ZipEntry* find(const std::string& name) const;  // nullptr when absent
  // The entry's bytes (entry.size of them), valid as long as the archive lives.
  const uint8_t* data(const ZipEntry& entry) const;
  // Drops the entry's resident pages once its bytes are copied out, so that loading does
  // not hold the file and its tensors at once; touched again, they are re-read from the
  // file. No-op for in-memory images.
  void release(const ZipEntry& entry) const;

 private:
  struct Impl;
  explicit ZipArchive(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vs::io
