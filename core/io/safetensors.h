// safetensors reading (mmap) and writing. Format: 8-byte little-endian header length N,
// N bytes of JSON {"name": {"dtype", "shape", "data_offsets": [begin, end]}, ...,
// "__metadata__": {str: str}}, then the data buffer. Offsets are relative to the buffer.
//
// The reader validates everything before it hands out a byte (see safetensors.cpp for
// the list); each failure is a vs::Error naming the file and, where there is one, the
// tensor.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace vs::io {

enum class DType { F64, F32, F16, BF16, I64, I32, U8, BOOL };
const char* dtype_name(DType dtype);  // "F32", ...
int dtype_size(DType dtype);          // bytes per element

struct TensorInfo {
  std::string name;
  DType dtype;
  Shape shape;
  uint64_t begin = 0, end = 0;  // byte range inside the data buffer
};

class SafetensorsFile {
 public:
  // Memory-maps and validates `path`.
  static SafetensorsFile open(const std::string& path);
  // Validates an in-memory image (copied); `label` names it in errors. Used by tests/fuzz.
  static SafetensorsFile parse(const std::string& label, const uint8_t* bytes, size_t size);

  SafetensorsFile(SafetensorsFile&&) noexcept;
  SafetensorsFile& operator=(SafetensorsFile&&) noexcept;
  ~SafetensorsFile();

  const std::string& path() const;
  const std::map<std::string, std::string>& metadata() const;
  const std::vector<TensorInfo>& tensors() const;  // in file order (by offset)
  bool contains(const std::string& name) const;
  const TensorInfo& info(const std::string& name) const;  // throws naming file + tensor

  // Float view of any floating or integer dtype (F16/BF16 widened; integers converted).
  Tensor read_float(const std::string& name) const;
  // Drops the tensor's resident file pages after its bytes were copied (mapped files only).
  void release(const std::string& name) const;
  // Integer tensors (I64, I32, U8, BOOL) widened to int64; floats are rejected.
  std::vector<int64_t> read_int64(const std::string& name) const;
  // Raw little-endian bytes of a tensor.
  const uint8_t* raw(const std::string& name) const;

 private:
  struct Impl;
  explicit SafetensorsFile(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class SafetensorsWriter {
 public:
  void set_metadata(const std::string& key, const std::string& value);
  void add(const std::string& name, const Tensor& tensor);  // F32
  void add_f16(const std::string& name, const Tensor& tensor);
  void add_bf16(const std::string& name, const Tensor& tensor);
  void add_int64(const std::string& name, const Shape& shape, const std::vector<int64_t>& values);
  void add_int32(const std::string& name, const Shape& shape, const std::vector<int32_t>& values);
  void add_u8(const std::string& name, const Shape& shape, const std::vector<uint8_t>& values,
              bool as_bool = false);
  // Writes atomically (temporary file, then rename). Throws vs::Error on I/O failure.
  void write(const std::string& path) const;
  std::vector<uint8_t> serialize() const;

 private:
  struct Entry {
    std::string name;
    DType dtype;
    Shape shape;
    std::vector<uint8_t> bytes;
  };
  void add_entry(Entry entry);
  std::vector<Entry> entries_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace vs::io
