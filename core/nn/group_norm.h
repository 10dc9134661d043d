// nn.GroupNorm over NCHW maps (the VQ-VAE's Normalize, var.md §2.1: 32 groups, eps 1e-6,
// affine). Statistics are biased (divide by the group's element count).
#pragma once
#include <string>

#include "core/tensor.h"

namespace vs::nn {

// x (B, C, H, W) (or any (B, C, ...)); weight, bias (C) or empty for no affine.
Tensor group_norm(const Tensor& x, int groups, const Tensor& weight, const Tensor& bias,
                  float eps, const char* what = "group_norm");

struct GroupNorm {
  Tensor weight;  // (C)
  Tensor bias;    // (C)
  int groups = 32;
  float eps = 1e-6f;
  std::string name = "group_norm";  // state-dict prefix, for error messages

  Tensor forward(const Tensor& x) const { return group_norm(x, groups, weight, bias, eps, name.c_str()); }
};

}  // namespace vs::nn
