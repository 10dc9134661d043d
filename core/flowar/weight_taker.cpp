#include "core/flowar/weight_taker.h"

#include "core/error.h"

namespace vs::flowar {

Tensor WeightTaker::take(const std::string& key, const Shape& shape) {
  auto it = checkpoint_.tensors.find(key);
  if (it == checkpoint_.tensors.end()) {
    problems_.push_back("missing '" + key + "' " + shape_to_string(shape));
    return Tensor(shape);
  }
  if (it->second.shape != shape) {
    problems_.push_back("'" + key + "' has shape " + it->second.shape_str() + ", expected " +
                        shape_to_string(shape));
    return Tensor(shape);
  }
  Tensor t = std::move(it->second);
  checkpoint_.tensors.erase(it);
  return t;
}

void WeightTaker::finish(bool reject_leftovers) const {
  std::vector<std::string> all = problems_;
  if (reject_leftovers)
    for (const auto& [key, tensor] : checkpoint_.tensors)
      all.push_back("unexpected '" + key + "' " + tensor.shape_str());
  if (all.empty()) return;
  std::string message = checkpoint_.path + ": " + std::to_string(all.size()) + " key problem(s):";
  for (size_t i = 0; i < all.size() && i < 6; ++i) message += (i ? "; " : " ") + all[i];
  if (all.size() > 6) message += "; …";
  throw Error(message + " — is this a FlowAR checkpoint of the inferred config?");
}

}  // namespace vs::flowar
