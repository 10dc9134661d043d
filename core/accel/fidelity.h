// How close an accelerated run stays to the exact run of the same seed (acceleration.md
// §8 "Quality against the exact run"): token agreement per scale (VAR), relative latent
// error per scale (FlowAR), and image PSNR.
#pragma once
#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace vs::accel {

// Share of positions where the ids agree; both the same length (else vs::Error).
double token_agreement(const std::vector<int64_t>& ids, const std::vector<int64_t>& exact_ids);

// ‖a − exact‖ / ‖exact‖ over all entries; 0 when both are zero; same shape (else vs::Error).
double relative_error(const Tensor& a, const Tensor& exact);

// 10·log10(1 / MSE) for images in [0, 1] of the same shape (else vs::Error); +infinity
// when they are identical.
double psnr01(const Tensor& image01, const Tensor& exact01);

}  // namespace vs::accel
