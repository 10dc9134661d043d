#include "core/tensor.h"

#include <limits>

#include "core/error.h"

namespace vs {

int64_t shape_numel(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) throw Error("negative dimension in shape " + shape_to_string(shape));
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / d)
      throw Error("element count of shape " + shape_to_string(shape) + " overflows int64");
    n *= d;
  }
  return n;
}

std::string shape_to_string(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

Tensor::Tensor(Shape s, float fill) : shape(std::move(s)) {
  data.assign(static_cast<size_t>(shape_numel(shape)), fill);
}

}  // namespace vs
