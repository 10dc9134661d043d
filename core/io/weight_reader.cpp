#include "core/io/weight_reader.h"

#include "core/error.h"

namespace vs::io {

namespace {

// How many problems of one kind a message names before it only counts the rest.
constexpr size_t kNamedPerKind = 8;

void append_kind(std::vector<std::string>& parts, const std::vector<std::string>& items) {
  for (size_t i = 0; i < items.size() && i < kNamedPerKind; ++i) parts.push_back(items[i]);
  if (items.size() > kNamedPerKind) parts.push_back("(+" + std::to_string(items.size() - kNamedPerKind) + " more)");
}

}  // namespace

bool WeightReader::has(const std::string& key) const {
  return checkpoint_.has(key) && !consumed_.count(key);
}

Tensor WeightReader::take(const std::string& key, const Shape& shape) {
  if (consumed_.count(key)) {
    other_.push_back("'" + key + "' is read twice");
    return Tensor(shape);
  }
  const auto it = checkpoint_.tensors.find(key);
  if (it == checkpoint_.tensors.end()) {
    missing_.push_back("missing '" + key + "' (expected " + shape_to_string(shape) + ")");
    return Tensor(shape);
  }
  consumed_.insert(key);
  if (it->second.shape != shape) {
    misshaped_.push_back("'" + key + "' has shape " + it->second.shape_str() + ", expected " + shape_to_string(shape));
    return Tensor(shape);
  }
  if (movable_) return std::move(movable_->tensors.at(key));
  return it->second;
}

std::vector<std::string> WeightReader::unconsumed_keys() const {
  std::vector<std::string> keys;
  for (const auto& [key, tensor] : checkpoint_.tensors)
    if (!consumed_.count(key)) keys.push_back(key);
  return keys;
}

void WeightReader::finish(const std::string& model, const std::string& hint) const {
  std::vector<std::string> unexpected;
  for (const std::string& key : unconsumed_keys())
    unexpected.push_back("unexpected '" + key + "' " + checkpoint_.tensors.at(key).shape_str());
  const size_t count = missing_.size() + misshaped_.size() + other_.size() + unexpected.size();
  if (count == 0) return;
  std::vector<std::string> parts;
  append_kind(parts, missing_);
  append_kind(parts, misshaped_);
  append_kind(parts, other_);
  append_kind(parts, unexpected);
  std::string message = path() + ": " + std::to_string(count) + " tensor problem(s) loading " + model + ":";
  for (size_t i = 0; i < parts.size(); ++i) message += (i ? "; " : " ") + parts[i];
  if (!hint.empty()) message += " — " + hint;
  throw Error(message);
}

}  // namespace vs::io
