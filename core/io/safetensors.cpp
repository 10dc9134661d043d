#include "core/io/mapped_pages.h"
#include "core/io/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <set>

#include "core/error.h"
#include "core/io/file_magic.h"
#include "core/io/half.h"
#include "core/io/input_file.h"
#include "core/io/json.h"
#include "core/io/output_file.h"
#include "core/memory_budget.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "safetensors data is little-endian; this reader copies it as is");

namespace vs::io {
namespace {

// Headers above this are refused before parsing (the reference implementation's limit).
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

struct DTypeEntry {
  DType dtype;
  const char* name;
  int size;
};
constexpr DTypeEntry kDTypes[] = {
    {DType::F64, "F64", 8}, {DType::F32, "F32", 4}, {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2}, {DType::I64, "I64", 8}, {DType::I32, "I32", 4},
    {DType::U8, "U8", 1}, {DType::BOOL, "BOOL", 1},
};

// A name from a possibly hostile file, made safe for a one-line message: quoted, control
// bytes escaped, long names cut.
std::string printable(const std::string& s) {
  constexpr size_t kMaxShown = 80;
  std::string shown = json::quote(s.size() > kMaxShown ? s.substr(0, kMaxShown) : s);
  if (s.size() > kMaxShown) shown += "...";
  return shown;
}

std::string tensor_label(const std::string& name) { return "tensor " + printable(name); }

uint64_t load_le_u64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

template <typename T>
T load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

bool lookup_dtype(const std::string& name, DType* out) {
  for (const DTypeEntry& e : kDTypes)
    if (name == e.name) {
      *out = e.dtype;
      return true;
    }
  return false;
}

}  // namespace

const char* dtype_name(DType dtype) {
  for (const DTypeEntry& e : kDTypes)
    if (e.dtype == dtype) return e.name;
  return "?";
}

int dtype_size(DType dtype) {
  for (const DTypeEntry& e : kDTypes)
    if (e.dtype == dtype) return e.size;
  return 0;
}

struct SafetensorsFile::Impl {
  std::string path;
  void* map = nullptr;  // set when the file is memory-mapped
  size_t map_size = 0;
  std::vector<uint8_t> owned;  // set when parsed from memory
  const uint8_t* bytes = nullptr;
  size_t size = 0;
  const uint8_t* data = nullptr;  // start of the data buffer
  std::map<std::string, std::string> metadata;
  std::vector<TensorInfo> tensors;  // sorted by offset
  std::map<std::string, size_t> index;

  ~Impl() {
    if (map) munmap(map, map_size);
  }

  [[noreturn]] void fail(const std::string& what) const { throw Error(path + ": " + what); }

  void validate();
  TensorInfo parse_tensor(const std::string& name, const json::Value& entry) const;
  void parse_metadata(const json::Value& entry);
  void check_layout(uint64_t buffer_bytes) const;
};

// Every check the reader makes, in order: the 8-byte length, the header's bounds and
// first byte, strict JSON, each entry (known dtype, integer shape without overflow,
// byte range matching numel * dtype size), string-only metadata, unique names, and
// finally that the byte ranges, sorted, tile the data buffer exactly.
void SafetensorsFile::Impl::validate() {
  const std::string other = describe_file_kind(file_kind(bytes, size));
  if (!other.empty() && file_kind(bytes, size) != FileKind::kSafetensors)
    fail("this is " + other + ", not a safetensors file");
  if (size < 8) fail("file is " + std::to_string(size) + " bytes, too short for the 8-byte header length");
  const uint64_t header_bytes = load_le_u64(bytes);
  if (header_bytes > kMaxHeaderBytes)
    fail("header length " + std::to_string(header_bytes) + " is above the 100 MB limit");
  if (header_bytes > size - 8)
    fail("header length " + std::to_string(header_bytes) + " runs past the end of the file (" +
         std::to_string(size - 8) + " bytes after the length field)");
  const char* header = reinterpret_cast<const char*>(bytes + 8);
  if (header_bytes == 0 || header[0] != '{') fail("header does not start with '{'");

  json::Value root;
  try {
    root = json::parse(header, header_bytes);
  } catch (const Error& e) {
    fail(std::string("invalid JSON header: ") + e.what());
  }
  if (!root.is_object()) fail("header is not a JSON object");

  bool seen_metadata = false;
  for (const json::Member& m : root.object) {
    if (m.key == "__metadata__") {
      if (seen_metadata) fail("duplicate __metadata__ entry");
      seen_metadata = true;
      parse_metadata(m.value);
      continue;
    }
    if (index.count(m.key)) fail("duplicate " + tensor_label(m.key));
    index.emplace(m.key, tensors.size());
    tensors.push_back(parse_tensor(m.key, m.value));
  }

  std::sort(tensors.begin(), tensors.end(), [](const TensorInfo& a, const TensorInfo& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  for (size_t i = 0; i < tensors.size(); ++i) index[tensors[i].name] = i;

  data = bytes + 8 + header_bytes;
  check_layout(size - 8 - header_bytes);
}

TensorInfo SafetensorsFile::Impl::parse_tensor(const std::string& name, const json::Value& entry) const {
  const std::string label = tensor_label(name);
  if (!entry.is_object()) fail(label + ": entry is not a JSON object");
  std::set<std::string> keys;
  for (const json::Member& m : entry.object) {
    if (m.key != "dtype" && m.key != "shape" && m.key != "data_offsets")
      fail(label + ": unknown key " + printable(m.key));
    if (!keys.insert(m.key).second) fail(label + ": duplicate key " + printable(m.key));
  }
  const json::Value* dtype = entry.find("dtype");
  const json::Value* shape = entry.find("shape");
  const json::Value* offsets = entry.find("data_offsets");
  if (!dtype || !shape || !offsets) fail(label + ": needs \"dtype\", \"shape\" and \"data_offsets\"");

  TensorInfo info;
  info.name = name;
  if (!dtype->is_string()) fail(label + ": dtype is not a string");
  if (!lookup_dtype(dtype->text, &info.dtype))
    fail(label + ": unknown dtype " + printable(dtype->text) +
         " (supported: F64, F32, F16, BF16, I64, I32, U8, BOOL)");

  if (!shape->is_array()) fail(label + ": shape is not an array");
  for (const json::Value& d : shape->array) {
    int64_t dim;
    if (!d.is_number()) fail(label + ": shape holds a non-number");
    if (!d.is_integer_literal()) fail(label + ": shape dimension " + d.text + " is not an integer");
    if (!d.to_int64(&dim)) fail(label + ": shape dimension " + d.text + " overflows int64");
    if (dim < 0) fail(label + ": shape dimension " + d.text + " is negative");
    info.shape.push_back(dim);
  }
  // numel and byte size in uint64 with explicit overflow checks (numel also fits int64,
  // the type every consumer uses).
  uint64_t numel = 1;
  for (int64_t dim : info.shape) {
    const uint64_t u = static_cast<uint64_t>(dim);
    if (u != 0 && numel > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) / u)
      fail(label + ": element count of shape " + shape_to_string(info.shape) + " overflows");
    numel *= u;
  }
  const uint64_t element_bytes = static_cast<uint64_t>(dtype_size(info.dtype));
  if (numel > std::numeric_limits<uint64_t>::max() / element_bytes)
    fail(label + ": byte size of shape " + shape_to_string(info.shape) + " overflows");
  const uint64_t nbytes = numel * element_bytes;
  // An empty tensor's dims are bounded by nothing else (the data bound the others).
  if (numel == 0) check_shape_extent(info.shape, path + ": " + label);

  if (!offsets->is_array() || offsets->array.size() != 2)
    fail(label + ": data_offsets is not an array of two integers");
  uint64_t range[2];
  for (int i = 0; i < 2; ++i) {
    const json::Value& o = offsets->array[i];
    if (!o.is_number() || !o.is_integer_literal())
      fail(label + ": data_offsets holds a non-integer");
    if (!o.to_uint64(&range[i]))
      fail(label + ": data offset " + o.text + (o.text[0] == '-' ? " is negative" : " overflows uint64"));
  }
  info.begin = range[0];
  info.end = range[1];
  if (info.end < info.begin)
    fail(label + ": data_offsets [" + std::to_string(info.begin) + ", " + std::to_string(info.end) +
         "] end before they begin");
  if (info.end - info.begin != nbytes)
    fail(label + ": " + dtype_name(info.dtype) + " " + shape_to_string(info.shape) + " needs " +
         std::to_string(nbytes) + " bytes but data_offsets [" + std::to_string(info.begin) + ", " +
         std::to_string(info.end) + "] span " + std::to_string(info.end - info.begin));
  return info;
}

void SafetensorsFile::Impl::parse_metadata(const json::Value& entry) {
  if (!entry.is_object()) fail("__metadata__ is not a JSON object");
  for (const json::Member& m : entry.object) {
    if (!m.value.is_string()) fail("__metadata__ value of " + printable(m.key) + " is not a string");
    if (!metadata.emplace(m.key, m.value.text).second)
      fail("duplicate __metadata__ key " + printable(m.key));
  }
}

// Tensors are sorted by (begin, end); their ranges must cover [0, buffer_bytes) with no
// overlap and no gap. Zero-sized tensors (begin == end) sit anywhere inside or at the end.
void SafetensorsFile::Impl::check_layout(uint64_t buffer_bytes) const {
  uint64_t covered = 0;
  const TensorInfo* previous = nullptr;
  for (const TensorInfo& t : tensors) {
    if (t.end > buffer_bytes)
      fail(tensor_label(t.name) + ": data_offsets [" + std::to_string(t.begin) + ", " +
           std::to_string(t.end) + "] run past the data buffer of " + std::to_string(buffer_bytes) +
           " bytes");
    if (t.begin < covered)
      fail(tensor_label(t.name) + ": data_offsets [" + std::to_string(t.begin) + ", " +
           std::to_string(t.end) + "] overlap " + tensor_label(previous->name) + " ending at " +
           std::to_string(covered));
    if (t.begin > covered)
      fail("data bytes [" + std::to_string(covered) + ", " + std::to_string(t.begin) +
           ") before " + tensor_label(t.name) + " belong to no tensor");
    if (t.end > t.begin) previous = &t;
    covered = t.end;
  }
  if (covered != buffer_bytes)
    fail("trailing garbage: data bytes [" + std::to_string(covered) + ", " +
         std::to_string(buffer_bytes) + ") after the last tensor belong to no tensor");
}

SafetensorsFile::SafetensorsFile(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SafetensorsFile::SafetensorsFile(SafetensorsFile&&) noexcept = default;
SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&&) noexcept = default;
SafetensorsFile::~SafetensorsFile() = default;

SafetensorsFile SafetensorsFile::open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  check_regular_file(path, "safetensors file");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) impl->fail(std::string("cannot open: ") + std::strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    impl->fail(std::string("cannot stat: ") + std::strerror(err));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    impl->fail("is a directory, not a safetensors file");
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    impl->fail("is not a regular file");
  }
  if (st.st_size < 8) {
    ::close(fd);
    impl->fail("file is " + std::to_string(st.st_size) +
               " bytes, too short for the 8-byte header length" + (st.st_size == 0 ? " (empty file)" : ""));
  }
  const size_t size = static_cast<size_t>(st.st_size);
  void* map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  const int map_errno = errno;
  ::close(fd);  // the mapping keeps the file alive
  if (map == MAP_FAILED) impl->fail(std::string("cannot mmap: ") + std::strerror(map_errno));
  impl->map = map;
  impl->map_size = size;
  impl->bytes = static_cast<const uint8_t*>(map);
  impl->size = size;
  impl->validate();
  return SafetensorsFile(std::move(impl));
}

SafetensorsFile SafetensorsFile::parse(const std::string& label, const uint8_t* bytes, size_t size) {
  auto impl = std::make_unique<Impl>();
  impl->path = label;
  if (size) impl->owned.assign(bytes, bytes + size);
  impl->bytes = impl->owned.data();
  impl->size = size;
  impl->validate();
  return SafetensorsFile(std::move(impl));
}

const std::string& SafetensorsFile::path() const { return impl_->path; }
const std::map<std::string, std::string>& SafetensorsFile::metadata() const { return impl_->metadata; }
const std::vector<TensorInfo>& SafetensorsFile::tensors() const { return impl_->tensors; }

bool SafetensorsFile::contains(const std::string& name) const { return impl_->index.count(name) != 0; }

const TensorInfo& SafetensorsFile::info(const std::string& name) const {
  const auto it = impl_->index.find(name);
  if (it == impl_->index.end()) impl_->fail("no " + tensor_label(name));
  return impl_->tensors[it->second];
}

void SafetensorsFile::release(const std::string& name) const {
  const TensorInfo& t = info(name);
  if (impl_->map) release_mapped_pages(impl_->data + t.begin, t.end - t.begin);
}

const uint8_t* SafetensorsFile::raw(const std::string& name) const {
  return impl_->data + info(name).begin;
}

Tensor SafetensorsFile::read_float(const std::string& name) const {
  const TensorInfo& t = info(name);
  Tensor out(t.shape);
  const uint8_t* p = impl_->data + t.begin;
  float* dst = out.ptr();
  const size_t n = out.data.size();
  switch (t.dtype) {
    case DType::F32:
      if (n) std::memcpy(dst, p, n * sizeof(float));
      break;
    case DType::F64:
      for (size_t i = 0; i < n; ++i) dst[i] = static_cast<float>(load<double>(p + 8 * i));
      break;
    case DType::F16:
      for (size_t i = 0; i < n; ++i) dst[i] = f16_to_float(load<uint16_t>(p + 2 * i));
      break;
    case DType::BF16:
      for (size_t i = 0; i < n; ++i) dst[i] = bf16_to_float(load<uint16_t>(p + 2 * i));
      break;
    case DType::I64:
      for (size_t i = 0; i < n; ++i) dst[i] = static_cast<float>(load<int64_t>(p + 8 * i));
      break;
    case DType::I32:
      for (size_t i = 0; i < n; ++i) dst[i] = static_cast<float>(load<int32_t>(p + 4 * i));
      break;
    case DType::U8:
      for (size_t i = 0; i < n; ++i) dst[i] = static_cast<float>(p[i]);
      break;
    case DType::BOOL:
      for (size_t i = 0; i < n; ++i) dst[i] = p[i] ? 1.0f : 0.0f;
      break;
  }
  return out;
}

std::vector<int64_t> SafetensorsFile::read_int64(const std::string& name) const {
  const TensorInfo& t = info(name);
  const size_t n = static_cast<size_t>(shape_numel(t.shape));
  const uint8_t* p = impl_->data + t.begin;
  std::vector<int64_t> out(n);
  switch (t.dtype) {
    case DType::I64:
      if (n) std::memcpy(out.data(), p, n * sizeof(int64_t));
      break;
    case DType::I32:
      for (size_t i = 0; i < n; ++i) out[i] = load<int32_t>(p + 4 * i);
      break;
    case DType::U8:
      for (size_t i = 0; i < n; ++i) out[i] = p[i];
      break;
    case DType::BOOL:
      for (size_t i = 0; i < n; ++i) out[i] = p[i] ? 1 : 0;
      break;
    default:
      impl_->fail(tensor_label(name) + " has dtype " + dtype_name(t.dtype) +
                  ", expected an integer dtype (I64, I32, U8, BOOL)");
  }
  return out;
}


// ---- writer -----------------------------------------------------------------------------

namespace {

template <typename T>
std::vector<uint8_t> to_bytes(const T* values, size_t n) {
  std::vector<uint8_t> bytes(n * sizeof(T));
  if (n) std::memcpy(bytes.data(), values, bytes.size());
  return bytes;
}

size_t checked_numel(const std::string& name, const Shape& shape, size_t values) {
  int64_t numel;
  try {
    numel = shape_numel(shape);
  } catch (const Error& e) {
    throw Error("safetensors writer: tensor " + printable(name) + ": " + e.what());
  }
  if (static_cast<uint64_t>(numel) != values)
    throw Error("safetensors writer: tensor " + printable(name) + ": shape " + shape_to_string(shape) +
                " holds " + std::to_string(numel) + " elements but " + std::to_string(values) +
                " values were given");
  return values;
}

}  // namespace

void SafetensorsWriter::set_metadata(const std::string& key, const std::string& value) {
  if (!json::is_valid_utf8(key) || !json::is_valid_utf8(value))
    throw Error("safetensors writer: metadata " + printable(key) + " is not valid UTF-8");
  metadata_[key] = value;
}

void SafetensorsWriter::add_entry(Entry entry) {
  if (entry.name == "__metadata__")
    throw Error("safetensors writer: \"__metadata__\" is reserved and cannot name a tensor");
  if (!json::is_valid_utf8(entry.name))
    throw Error("safetensors writer: tensor name " + printable(entry.name) + " is not valid UTF-8");
  for (const Entry& e : entries_)
    if (e.name == entry.name) throw Error("safetensors writer: duplicate tensor " + printable(entry.name));
  entries_.push_back(std::move(entry));
}

void SafetensorsWriter::add(const std::string& name, const Tensor& tensor) {
  const size_t n = checked_numel(name, tensor.shape, tensor.data.size());
  add_entry({name, DType::F32, tensor.shape, to_bytes(tensor.ptr(), n)});
}

void SafetensorsWriter::add_f16(const std::string& name, const Tensor& tensor) {
  const size_t n = checked_numel(name, tensor.shape, tensor.data.size());
  std::vector<uint16_t> halves(n);
  for (size_t i = 0; i < n; ++i) halves[i] = float_to_f16(tensor.data[i]);
  add_entry({name, DType::F16, tensor.shape, to_bytes(halves.data(), n)});
}

void SafetensorsWriter::add_bf16(const std::string& name, const Tensor& tensor) {
  const size_t n = checked_numel(name, tensor.shape, tensor.data.size());
  std::vector<uint16_t> halves(n);
  for (size_t i = 0; i < n; ++i) halves[i] = float_to_bf16(tensor.data[i]);
  add_entry({name, DType::BF16, tensor.shape, to_bytes(halves.data(), n)});
}

void SafetensorsWriter::add_int64(const std::string& name, const Shape& shape,
                                  const std::vector<int64_t>& values) {
  const size_t n = checked_numel(name, shape, values.size());
  add_entry({name, DType::I64, shape, to_bytes(values.data(), n)});
}

void SafetensorsWriter::add_int32(const std::string& name, const Shape& shape,
                                  const std::vector<int32_t>& values) {
  const size_t n = checked_numel(name, shape, values.size());
  add_entry({name, DType::I32, shape, to_bytes(values.data(), n)});
}

void SafetensorsWriter::add_u8(const std::string& name, const Shape& shape,
                               const std::vector<uint8_t>& values, bool as_bool) {
  checked_numel(name, shape, values.size());
  std::vector<uint8_t> bytes = values;
  if (as_bool)
    for (uint8_t& b : bytes) b = b ? 1 : 0;
  add_entry({name, as_bool ? DType::BOOL : DType::U8, shape, std::move(bytes)});
}

namespace {

// The 8-byte length plus the JSON header, padded with spaces so the data buffer starts at
// a multiple of 8 (as the reference writer does).
template <typename Entries>
std::string header_block(const Entries& entries, const std::map<std::string, std::string>& metadata) {
  std::string json = "{";
  bool first = true;
  if (!metadata.empty()) {
    json += "\"__metadata__\":{";
    for (const auto& [key, value] : metadata) {
      if (!first) json += ",";
      first = false;
      json += json::quote(key) + ":" + json::quote(value);
    }
    json += "}";
    first = false;
  }
  uint64_t offset = 0;
  for (const auto& e : entries) {
    if (!first) json += ",";
    first = false;
    json += json::quote(e.name) + ":{\"dtype\":\"" + dtype_name(e.dtype) + "\",\"shape\":[";
    for (size_t i = 0; i < e.shape.size(); ++i) json += (i ? "," : "") + std::to_string(e.shape[i]);
    json += "],\"data_offsets\":[" + std::to_string(offset) + "," +
            std::to_string(offset + e.bytes.size()) + "]}";
    offset += e.bytes.size();
  }
  json += "}";
  json.append((8 - json.size() % 8) % 8, ' ');
  std::string block(8, '\0');
  const uint64_t length = json.size();
  std::memcpy(&block[0], &length, 8);
  return block + json;
}

}  // namespace

std::vector<uint8_t> SafetensorsWriter::serialize() const {
  const std::string header = header_block(entries_, metadata_);
  std::vector<uint8_t> out(header.begin(), header.end());
  for (const Entry& e : entries_) out.insert(out.end(), e.bytes.begin(), e.bytes.end());
  return out;
}

void SafetensorsWriter::write(const std::string& path) const {
  const std::string header = header_block(entries_, metadata_);
  std::vector<ByteSpan> parts{{header.data(), header.size()}};
  for (const Entry& e : entries_) parts.push_back({e.bytes.data(), e.bytes.size()});
  write_file_atomically(path, parts);
}

}  // namespace vs::io
