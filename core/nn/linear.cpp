#include "core/nn/linear.h"

#include "core/error.h"

namespace vs::nn {

namespace {

// Throws unless x (..., in) and bias (out) or none fit a weight of `shape` (out, in).
void check_shapes(const Tensor& x, const Shape& shape, const Tensor* bias, const char* what) {
  if (shape.size() != 2 || x.rank() < 1 || x.dim(-1) != shape[1])
    throw Error(std::string(what) + ": input " + x.shape_str() + " does not match weight " +
                shape_to_string(shape));
  if (bias && bias->numel() != 0 && bias->numel() != shape[0])
    throw Error(std::string(what) + ": bias " + bias->shape_str() + " does not match weight " +
                shape_to_string(shape));
}

}  // namespace

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor* bias, const char* what) {
  check_shapes(x, weight.shape, bias, what);
  const int64_t out_features = weight.dim(0);
  Shape shape = x.shape;
  shape.back() = out_features;
  Tensor y(shape);
  auto Y = as_matrix(y);
  Y.noalias() = as_matrix(x) * as_matrix(weight).transpose();
  if (bias && bias->numel() != 0)
    Y.rowwise() += Eigen::Map<const Eigen::RowVectorXf>(bias->ptr(), out_features);
  return y;
}

Tensor linear(const Tensor& x, const PackedWeight& weight, const Tensor* bias, const char* what) {
  check_shapes(x, weight.shape(), bias, what);
  Shape shape = x.shape;
  shape.back() = weight.out_features();
  Tensor y(shape);
  const int64_t rows = weight.in_features() ? x.numel() / weight.in_features() : 0;
  gemm_packed(rows, x.ptr(), weight.in_features(), weight, bias && bias->numel() ? bias->ptr() : nullptr,
              y.ptr(), weight.out_features());
  return y;
}

}  // namespace vs::nn
