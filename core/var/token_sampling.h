// Per-row pieces of VAR's token sampling (var.md §4.3): the CFG mix with its linear ramp,
// top-k then top-p masking in place, the categorical draw, and more_smooth's Gumbel
// softmax. Each works on one row of V logits so the sampler and the tests share them.
#pragma once
#include <cstdint>

#include "core/random/rng.h"

namespace vs::var {

// t = cfg · si/(K−1) (0 when K = 1): scale 0 is unguided, the last gets the full cfg.
double cfg_ramp(double cfg, int scale, int num_scales);
// guided = (1 + t)·cond − t·uncond, with both weights rounded to float like the reference.
void cfg_mix(const float* cond, const float* uncond, float* guided, int64_t count, double t);

// Every logit below the k-th largest becomes −inf; ties at the threshold survive. k <= 0
// or k >= V does nothing.
void mask_top_k(float* logits, int64_t V, int k);
// Sort ascending, softmax (float32), cumulative sum; tokens whose cumulative mass is
// <= 1 − p become −inf, the largest token always survives. p <= 0 does nothing. Equal
// logits are ordered by index (torch's unstable sort leaves that order unspecified).
void mask_top_p(float* logits, int64_t V, double p);

// One draw from softmax(logits) by inverse CDF with uniform u in (0, 1): the first index
// whose cumulative probability (double) exceeds u. −inf entries are never drawn.
int64_t draw_from_logits(const float* logits, int64_t V, double u);

// more_smooth (var.md §4.3): w = softmax((logits·(1 + ratio) + G)/tau), G ~ Gumbel(0, 1)
// from `rng` (V draws, in index order), then out = w @ codebook (V, Cvae) -> (Cvae).
double more_smooth_tau(double ratio);  // max(0.27·(1 − 0.95·ratio), 0.005)
void gumbel_soft_embedding(const float* logits, int64_t V, double ratio, double tau, random::Rng& rng,
                           const float* codebook, int64_t cvae, float* out);

}  // namespace vs::var
