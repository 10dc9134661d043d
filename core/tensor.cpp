#include "core/tensor.h"

#include <limits>

#include "core/error.h"
#include "core/memory_budget.h"

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
  const int64_t n = shape_numel(shape);
  if (!fits_memory_budget(double(n) * sizeof(float)))  // the message only when it is needed
    check_memory(double(n) * sizeof(float), "tensor " + shape_to_string(shape));
  data.assign(static_cast<size_t>(n), fill);
}

void Tensor::throw_no_dim(int i) const {
  throw Error("a tensor of shape " + shape_str() + " has no dimension " + std::to_string(i));
}

}  // namespace vs
