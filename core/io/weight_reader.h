// The one strict way models read their weights from a checkpoint (the loader pattern of
// stable-diffusion.cpp and ggml's gguf.cpp: every parameter's name is its checkpoint key).
// A loader takes every tensor it needs with its expected shape and drops the optional ones
// it recomputes; finish() then reports every missing, mis-shaped and unexpected (never taken
// nor dropped) tensor in one vs::Error, each named with expected vs actual shape, instead of
// stopping at the first.
#pragma once
#include <set>
#include <string>
#include <vector>

#include "core/io/checkpoint.h"
#include "core/tensor.h"

namespace vs::io {

class WeightReader {
 public:
  // Moves each taken tensor out of `checkpoint`, so a load does not hold the model twice.
  explicit WeightReader(Checkpoint& checkpoint) : checkpoint_(checkpoint), movable_(&checkpoint) {}
  // Copies each taken tensor; `checkpoint` stays whole.
  explicit WeightReader(const Checkpoint& checkpoint) : checkpoint_(checkpoint) {}

  const std::string& path() const { return checkpoint_.path; }
  // Whether `key` is in the checkpoint and not yet taken or dropped.
  bool has(const std::string& key) const;
  // The tensor under `key` without taking it; throws Checkpoint::get's error when missing.
  const Tensor& peek(const std::string& key) const { return checkpoint_.get(key); }
  // checkpoint[key] when its shape is `shape`; otherwise records the problem and returns
  // zeros of `shape`, so that loading goes on and finish() can name every problem.
  Tensor take(const std::string& key, const Shape& shape);
  // Consumes an optional key (a buffer the port recomputes, training statistics) unread.
  void drop(const std::string& key) { consumed_.insert(key); }
  // Records a problem other than a key's presence or shape (a buffer's content).
  void add_problem(std::string problem) { other_.push_back(std::move(problem)); }
  // Keys present but neither taken nor dropped, in key order.
  std::vector<std::string> unconsumed_keys() const;
  // Throws one vs::Error, "<path>: <n> tensor problem(s) loading <model>: ... — <hint>",
  // when anything was missing, mis-shaped, unexpected or added; returns otherwise.
  void finish(const std::string& model, const std::string& hint = "") const;

 private:
  const Checkpoint& checkpoint_;
  Checkpoint* movable_ = nullptr;
  std::set<std::string> consumed_;
  std::vector<std::string> missing_, misshaped_, other_;
};

}  // namespace vs::io
