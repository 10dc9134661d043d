// A model checkpoint as named float tensors, whatever the container: safetensors, or a
// PyTorch zip checkpoint (.pth / .ckpt, read without Python by zip + pickle subset).
#pragma once
#include <map>
#include <string>

#include "core/tensor.h"

namespace vs::io {

struct Checkpoint {
  std::string path;
  std::map<std::string, Tensor> tensors;         // every tensor as float32, by state-dict key
  std::map<std::string, std::string> dtypes;     // original dtype per key ("F32", "I64", ...)
  std::map<std::string, std::string> metadata;   // safetensors __metadata__ (empty for .pth)

  bool has(const std::string& key) const { return tensors.count(key) != 0; }
  // The tensor under `key`; throws vs::Error naming the file and key when it is missing,
  // and, when `expected` is non-empty, when its shape differs (expected vs found).
  const Tensor& get(const std::string& key, const Shape& expected = {}) const;
  // Dimension `i` of the tensor under `key`; throws vs::Error naming the file, the key
  // and its shape when the tensor is missing or has no such dimension (configurations
  // are inferred from shapes, and a hostile file can give any rank).
  int64_t dim(const std::string& key, int i) const;
};

// Detects the container from the file's first bytes ("PK\x03\x04" = zip) and loads it.
// For a zip whose pickle holds a dict with a nested state dict (e.g. MAR's kl16.ckpt
// {"model": {...}}), `nested_key` selects it; empty = auto ("model", "state_dict").
Checkpoint load_checkpoint(const std::string& path, const std::string& nested_key = "");

}  // namespace vs::io
