#include "core/nn/linear.h"

#include "core/error.h"

namespace vs::nn {

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor* bias, const char* what) {
  if (weight.rank() != 2 || x.rank() < 1 || x.dim(-1) != weight.dim(1))
    throw Error(std::string(what) + ": input " + x.shape_str() + " does not match weight " +
                weight.shape_str());
  const int64_t out_features = weight.dim(0);
  if (bias && bias->numel() != 0 && bias->numel() != out_features)
    throw Error(std::string(what) + ": bias " + bias->shape_str() + " does not match weight " +
                weight.shape_str());
  Shape shape = x.shape;
  shape.back() = out_features;
  Tensor y(shape);
  auto Y = as_matrix(y);
  Y.noalias() = as_matrix(x) * as_matrix(weight).transpose();
  if (bias && bias->numel() != 0)
    Y.rowwise() += Eigen::Map<const Eigen::RowVectorXf>(bias->ptr(), out_features);
  return y;
}

}  // namespace vs::nn
