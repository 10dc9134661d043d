// Zip layout (APPNOTE.TXT 6.3): [local header + data]* central-directory end-record,
// with the ZIP64 end record and locator in front of the end record when a count, size or
// offset does not fit 16/32 bits. We read the end record, then the central directory, and
// use each local header only to find where the entry's data starts.
#include "core/io/zip_reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <unordered_map>

#include "core/error.h"
#include "core/io/input_file.h"
#include "core/io/mapped_pages.h"
#include "core/printable.h"

namespace vs::io {
namespace {

constexpr uint32_t kLocalHeaderSig = 0x04034b50;
constexpr uint32_t kCentralHeaderSig = 0x02014b50;
constexpr uint32_t kEndSig = 0x06054b50;
constexpr uint32_t kZip64EndSig = 0x06064b50;
constexpr uint32_t kZip64LocatorSig = 0x07064b50;
constexpr uint64_t kEndSize = 22, kZip64EndSize = 56, kZip64LocatorSize = 20;
constexpr uint64_t kCentralHeaderSize = 46, kLocalHeaderSize = 30;
constexpr uint64_t kMaxCommentSize = 0xFFFF;

uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
uint64_t le64(const uint8_t* p) {
  return static_cast<uint64_t>(le32(p)) | (static_cast<uint64_t>(le32(p + 4)) << 32);
}

// True when [offset, offset + length) lies inside [0, limit), without overflow.
bool in_range(uint64_t offset, uint64_t length, uint64_t limit) {
  return offset <= limit && length <= limit - offset;
}

}  // namespace

struct ZipArchive::Impl {
  std::string label;
  const uint8_t* bytes = nullptr;
  uint64_t size = 0;
  void* mapping = nullptr;  // mmap'ed file, or null when `owned` holds the image
  size_t mapping_size = 0;
  std::vector<uint8_t> owned;
  std::vector<ZipEntry> entries;
  std::unordered_map<std::string, size_t> index;

  ~Impl() {
    if (mapping) munmap(mapping, mapping_size);
  }

  [[noreturn]] void fail(const std::string& what) const { throw Error(label + ": zip: " + what); }

  void index_archive();
  void read_end_record(uint64_t* cd_offset, uint64_t* cd_size, uint64_t* count,
                       uint64_t* cd_limit) const;
  uint64_t read_central_entry(uint64_t pos, uint64_t cd_end, uint64_t data_limit);
};

// Finds the end record (the last signature within the final 22 + 65535 bytes) and, when
// present, the ZIP64 end record it points to.
void ZipArchive::Impl::read_end_record(uint64_t* cd_offset, uint64_t* cd_size, uint64_t* count,
                                       uint64_t* cd_limit) const {
  if (size < kEndSize) fail("file is " + std::to_string(size) + " bytes, too short for a zip");
  uint64_t end_pos = size - kEndSize;
  const uint64_t lowest = end_pos > kMaxCommentSize ? end_pos - kMaxCommentSize : 0;
  bool found = false;
  for (;; --end_pos) {
    if (le32(bytes + end_pos) == kEndSig &&
        end_pos + kEndSize + le16(bytes + end_pos + 20) <= size) {
      found = true;
      break;
    }
    if (end_pos == lowest) break;
  }
  if (!found) fail("end-of-central-directory record not found (truncated file?)");
  const uint8_t* end = bytes + end_pos;
  if (le16(end + 4) != 0 || le16(end + 6) != 0) fail("multi-disk archives are not supported");
  *count = le16(end + 10);
  *cd_size = le32(end + 12);
  *cd_offset = le32(end + 16);
  *cd_limit = end_pos;

  const bool has_locator =
      end_pos >= kZip64LocatorSize && le32(bytes + end_pos - kZip64LocatorSize) == kZip64LocatorSig;
  const bool needs_zip64 = *count == 0xFFFF || *cd_size == 0xFFFFFFFF || *cd_offset == 0xFFFFFFFF;
  if (!has_locator) {
    if (needs_zip64) fail("ZIP64 end-of-central-directory locator missing");
    return;
  }
  const uint64_t locator_pos = end_pos - kZip64LocatorSize;
  const uint64_t z64_pos = le64(bytes + locator_pos + 8);
  if (!in_range(z64_pos, kZip64EndSize, locator_pos) || le32(bytes + z64_pos) != kZip64EndSig)
    fail("ZIP64 end-of-central-directory record at offset " + std::to_string(z64_pos) +
         " is missing or out of range (file size " + std::to_string(size) + ")");
  const uint8_t* z64 = bytes + z64_pos;
  if (le32(z64 + 16) != 0 || le32(z64 + 20) != 0) fail("multi-disk archives are not supported");
  *count = le64(z64 + 32);
  *cd_size = le64(z64 + 40);
  *cd_offset = le64(z64 + 48);
  *cd_limit = z64_pos;
}

// Reads the central-directory entry at `pos`, validates its local header and data range,
// records it, and returns the position of the next entry.
uint64_t ZipArchive::Impl::read_central_entry(uint64_t pos, uint64_t cd_end, uint64_t data_limit) {
  if (!in_range(pos, kCentralHeaderSize, cd_end) || le32(bytes + pos) != kCentralHeaderSig)
    fail("central directory entry at offset " + std::to_string(pos) + " is corrupt or truncated");
  const uint8_t* h = bytes + pos;
  const uint16_t flags = le16(h + 8), method = le16(h + 10);
  uint64_t compressed = le32(h + 20), uncompressed = le32(h + 24);
  const uint64_t name_len = le16(h + 28), extra_len = le16(h + 30), comment_len = le16(h + 32);
  uint64_t local_offset = le32(h + 42);
  const uint64_t var_len = name_len + extra_len + comment_len;
  if (!in_range(pos + kCentralHeaderSize, var_len, cd_end))
    fail("central directory entry at offset " + std::to_string(pos) + " runs past its end");
  ZipEntry entry;
  entry.name.assign(reinterpret_cast<const char*>(h + kCentralHeaderSize), name_len);

  // ZIP64 extended information (header id 1): the 64-bit values, in this order, of exactly
  // those fields whose 32-bit slot holds 0xFFFFFFFF.
  const uint8_t* extra = h + kCentralHeaderSize + name_len;
  for (uint64_t e = 0; e + 4 <= extra_len;) {
    const uint16_t id = le16(extra + e), len = le16(extra + e + 2);
    if (e + 4 + len > extra_len) fail("entry " + printable_name(entry.name) + ": extra field runs past its end");
    if (id == 1) {
      const uint8_t* field = extra + e + 4;
      uint64_t used = 0;
      for (uint64_t* value : {&uncompressed, &compressed, &local_offset}) {
        if (*value != 0xFFFFFFFF) continue;
        if (used + 8 > len) fail("entry " + printable_name(entry.name) + ": ZIP64 extra field too short");
        *value = le64(field + used);
        used += 8;
      }
    }
    e += 4 + len;
  }

  if (flags & 1) fail("entry " + printable_name(entry.name) + " is encrypted");
  if (method != 0)
    fail("entry " + printable_name(entry.name) + " is compressed (method " + std::to_string(method) +
         "); only stored entries are supported (torch.save writes them uncompressed)");
  if (compressed != uncompressed)
    fail("stored entry " + printable_name(entry.name) + " has compressed size " + std::to_string(compressed) +
         " != uncompressed size " + std::to_string(uncompressed));
  if (!in_range(local_offset, kLocalHeaderSize, data_limit) ||
      le32(bytes + local_offset) != kLocalHeaderSig)
    fail("entry " + printable_name(entry.name) + ": local header at offset " + std::to_string(local_offset) +
         " is missing or out of range (data ends at " + std::to_string(data_limit) + ")");
  const uint8_t* local = bytes + local_offset;
  const uint64_t local_name_len = le16(local + 26), local_extra_len = le16(local + 28);
  const uint64_t data_offset = local_offset + kLocalHeaderSize + local_name_len + local_extra_len;
  if (local_name_len != name_len ||
      std::memcmp(local + kLocalHeaderSize, h + kCentralHeaderSize, name_len) != 0)
    fail("entry " + printable_name(entry.name) + ": local header names a different file");
  if (!in_range(data_offset, uncompressed, data_limit))
    fail("entry " + printable_name(entry.name) + ": data [" + std::to_string(data_offset) + ", +" +
         std::to_string(uncompressed) + ") runs past the data area (ends at " +
         std::to_string(data_limit) + "; truncated file?)");
  entry.data_offset = data_offset;
  entry.size = uncompressed;
  if (!index.emplace(entry.name, entries.size()).second)
    fail("duplicate entry " + printable_name(entry.name) + "");
  entries.push_back(std::move(entry));
  return pos + kCentralHeaderSize + var_len;
}

void ZipArchive::Impl::index_archive() {
  uint64_t cd_offset = 0, cd_size = 0, count = 0, cd_limit = 0;
  read_end_record(&cd_offset, &cd_size, &count, &cd_limit);
  if (!in_range(cd_offset, cd_size, cd_limit))
    fail("central directory [" + std::to_string(cd_offset) + ", +" + std::to_string(cd_size) +
         ") lies outside the file (size " + std::to_string(size) + "; truncated file?)");
  if (count > cd_size / kCentralHeaderSize)
    fail("central directory claims " + std::to_string(count) + " entries in " +
         std::to_string(cd_size) + " bytes");
  entries.reserve(count);
  uint64_t pos = cd_offset;
  for (uint64_t i = 0; i < count; ++i)
    pos = read_central_entry(pos, cd_offset + cd_size, cd_offset);
}

ZipArchive::ZipArchive(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ZipArchive::ZipArchive(ZipArchive&&) noexcept = default;
ZipArchive& ZipArchive::operator=(ZipArchive&&) noexcept = default;
ZipArchive::~ZipArchive() = default;

ZipArchive ZipArchive::open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  impl->label = path;
  check_regular_file(path, "checkpoint");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(path + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    throw Error(path + ": cannot stat: " + std::strerror(err));
  }
  impl->size = static_cast<uint64_t>(st.st_size);
  if (impl->size > 0) {
    void* map = mmap(nullptr, impl->size, PROT_READ, MAP_PRIVATE, fd, 0);
    const int err = errno;
    ::close(fd);
    if (map == MAP_FAILED) throw Error(path + ": cannot mmap: " + std::strerror(err));
    impl->mapping = map;
    impl->mapping_size = impl->size;
    impl->bytes = static_cast<const uint8_t*>(map);
  } else {
    ::close(fd);
  }
  impl->index_archive();
  return ZipArchive(std::move(impl));
}

ZipArchive ZipArchive::parse(const std::string& label, const uint8_t* bytes, size_t size) {
  auto impl = std::make_unique<Impl>();
  impl->label = label;
  impl->owned.assign(bytes, bytes + size);
  impl->bytes = impl->owned.data();
  impl->size = size;
  impl->index_archive();
  return ZipArchive(std::move(impl));
}

const std::string& ZipArchive::label() const { return impl_->label; }
const std::vector<ZipEntry>& ZipArchive::entries() const { return impl_->entries; }

const ZipEntry* ZipArchive::find(const std::string& name) const {
  const auto it = impl_->index.find(name);
  return it == impl_->index.end() ? nullptr : &impl_->entries[it->second];
}

const uint8_t* ZipArchive::data(const ZipEntry& entry) const {
  return impl_->bytes + entry.data_offset;
}

void ZipArchive::release(const ZipEntry& entry) const {
  if (impl_->mapping) release_mapped_pages(impl_->bytes + entry.data_offset, entry.size);
}

}  // namespace vs::io
