// An image's FlowAR scale pyramid, the way training builds its targets (tools/train/
// flowar_model.py teacher_inputs, flowar.md §3): the KL VAE's token latent (B, C, n, n)
// area-downsampled to every scale side s_k, each as token rows (B, s_k², C) — the layout of
// FlowArSampleResult::samples, so a pyramid is a prefix for sample_flowar — and the
// picture of one scale the way the sampler previews it (bicubic up to n, then decoded).
#pragma once
#include <vector>

#include "core/flowar/kl_vae.h"
#include "core/tensor.h"

namespace vs::flowar {

// latent (B, C, n, n) with n = scales.back() -> per scale (B, s_k², C). Throws vs::Error
// on a latent that is not square or whose side is not the last scale.
std::vector<Tensor> latent_pyramid(const Tensor& latent, const std::vector<int>& scales);

// image (B, 3, H, W) in [-1, 1] -> its pyramid: encode_tokens (posterior mean × 0.2325,
// the deterministic encoding), then latent_pyramid.
std::vector<Tensor> encode_pyramid(const KlVae& vae, const Tensor& image, const std::vector<int>& scales);

// One scale's rows (B, s², C) -> bicubic to full_side -> decode_tokens: (B, 3, H, W), raw.
Tensor decode_scale(const KlVae& vae, const Tensor& rows, int full_side);

}  // namespace vs::flowar
