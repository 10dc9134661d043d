// Strict, shape-checked moving of named tensors out of a checkpoint (the loader pattern of
// stable-diffusion.cpp: every parameter's name is its checkpoint key). Problems are
// collected and reported together, in one vs::Error.
#pragma once
#include <string>
#include <vector>

#include "core/io/checkpoint.h"
#include "core/tensor.h"

namespace vs::flowar {

class WeightTaker {
 public:
  explicit WeightTaker(io::Checkpoint& checkpoint) : checkpoint_(checkpoint) {}
  // Moves checkpoint[key] out if its shape is `shape`; otherwise records the problem and
  // returns a zero tensor of that shape.
  Tensor take(const std::string& key, const Shape& shape);
  // Removes an optional buffer (recomputed by the port) if present.
  void drop(const std::string& key) { checkpoint_.tensors.erase(key); }
  // Throws one vs::Error listing missing and mis-shaped keys, and, when
  // `reject_leftovers`, every key never taken or dropped.
  void finish(bool reject_leftovers) const;

 private:
  io::Checkpoint& checkpoint_;
  std::vector<std::string> problems_;
};

}  // namespace vs::flowar
