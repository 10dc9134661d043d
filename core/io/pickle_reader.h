// A safe reader for the subset of Python's pickle that torch.save writes for state dicts.
//
// It is a small stack machine that BUILDS A VALUE TREE and never executes anything: the
// only callables it knows are a whitelist of globals (collections.OrderedDict, the torch
// tensor/parameter rebuild functions, the torch.*Storage types), each interpreted by us.
// Any other global (os.system, builtins.eval, ...) is refused with a vs::Error, as is any
// opcode outside the subset. Lengths are checked against the remaining bytes before
// anything is allocated; stack, memo and object counts are bounded, and the worst-case
// memory for the pickle's size is checked against the memory budget before it runs.
//
// Tensors come out as references (storage key, dtype, offset, shape, stride); the caller
// resolves storage keys against the zip's "<stem>/data/<key>" records.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace vs::io::pickle {

enum class Kind : uint8_t {
  None,
  Bool,
  Int,
  Float,
  String,
  Bytes,
  Tuple,
  List,
  Dict,
  Global,   // a whitelisted callable or type, named in `text` ("torch.FloatStorage")
  Storage,  // a persistent-id storage; `index` into Document::storages
  Tensor,   // a rebuilt tensor or parameter; `index` into Document::tensors
};

struct Value {
  Kind kind = Kind::None;
  int64_t index = 0;            // Int and Bool value; Storage / Tensor index
  double number = 0.0;          // Float
  std::string text;             // String, Bytes, Global
  std::vector<uint32_t> items;  // Tuple / List elements; Dict: key0, value0, key1, value1, ...
};

struct StorageRef {
  std::string key;    // record name under "<stem>/data/"
  std::string dtype;  // "F32", "F64", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL"
  int elem_size = 0;  // bytes per element
  int64_t numel = 0;  // elements, as the persistent id states
};

struct TensorRef {
  uint32_t storage = 0;  // index into Document::storages
  int64_t offset = 0;    // in elements
  std::vector<int64_t> shape, stride;
};

struct Document {
  std::vector<Value> values;  // the arena; values refer to each other by index
  std::vector<StorageRef> storages;
  std::vector<TensorRef> tensors;
  uint32_t root = 0;

  const Value& at(uint32_t i) const { return values.at(i); }
  // Dict entry whose key is the string `key`; nullptr when absent (last one wins).
  const Value* dict_get(const Value& dict, const std::string& key) const;
};

// Runs the pickle in `bytes` (must end with STOP). `label` ("var.pth: data.pkl") prefixes
// every error, which also gives the opcode offset.
Document parse(const std::string& label, const uint8_t* bytes, size_t size);

}  // namespace vs::io::pickle
