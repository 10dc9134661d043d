// A dense, row-major float32 tensor that owns its data. Deliberately small: model code
// maps it onto Eigen (see as_matrix) for the heavy lifting.
#pragma once
#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

namespace vs {

using Shape = std::vector<int64_t>;

// Number of elements of a shape; throws vs::Error on negative dims or int64 overflow.
int64_t shape_numel(const Shape& shape);
// "[2, 3, 4]"
std::string shape_to_string(const Shape& shape);

struct Tensor {
  Shape shape;
  std::vector<float> data;

  Tensor() = default;
  explicit Tensor(Shape s, float fill = 0.0f);

  int64_t numel() const { return static_cast<int64_t>(data.size()); }
  // Dimension i (negative counts from the end); a vs::Error naming the shape if there is
  // none, never std::out_of_range's "vector::_M_range_check".
  int64_t dim(int i) const {
    const size_t k = i < 0 ? shape.size() + i : size_t(i);
    if (k >= shape.size()) throw_no_dim(i);
    return shape[k];
  }
  int rank() const { return static_cast<int>(shape.size()); }
  float* ptr() { return data.data(); }
  const float* ptr() const { return data.data(); }
  std::string shape_str() const { return shape_to_string(shape); }

 private:
  [[noreturn]] void throw_no_dim(int i) const;
};

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MapMatrixF = Eigen::Map<RowMatrixF>;
using ConstMapMatrixF = Eigen::Map<const RowMatrixF>;

// View of a tensor as a row-major matrix: all leading dims are flattened into rows.
inline MapMatrixF as_matrix(Tensor& t) {
  const int64_t cols = t.shape.empty() ? 1 : t.shape.back();
  return MapMatrixF(t.ptr(), cols ? t.numel() / cols : 0, cols);
}
inline ConstMapMatrixF as_matrix(const Tensor& t) {
  const int64_t cols = t.shape.empty() ? 1 : t.shape.back();
  return ConstMapMatrixF(t.ptr(), cols ? t.numel() / cols : 0, cols);
}

}  // namespace vs
