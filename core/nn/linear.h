// nn.Linear: y = x Wᵀ + b over the last dimension, W (out, in) as PyTorch stores it.
#pragma once
#include "core/nn/gemm.h"
#include "core/tensor.h"

namespace vs::nn {

// x (..., in) -> (..., out). `bias` may be null or an empty tensor. Throws vs::Error
// naming `what` when shapes disagree.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor* bias, const char* what = "linear");
// The same with a weight packed at load (the models' hot layers).
Tensor linear(const Tensor& x, const PackedWeight& weight, const Tensor* bias, const char* what = "linear");

}  // namespace vs::nn
