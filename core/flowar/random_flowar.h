// FlowAR models with random weights in the official shapes (flowar.md §8.1) and MAR's
// KL-16 VAE in its official layout (§2), for `bench generate`: the timing and memory of a
// full generation need the shapes, not trained values, and no download.
//
// Both are built as checkpoints holding every official key and then loaded through the
// strict loaders (FlowArModel::from_checkpoint, KlVae::load), so a random model cannot
// drift from what a real checkpoint loads into.
#pragma once
#include <cstdint>
#include <string>

#include "core/flowar/flowar_config.h"
#include "core/flowar/flowar_model.h"
#include "core/flowar/kl_vae.h"
#include "core/io/checkpoint.h"

namespace vs::flowar {

// "S", "L" or "H" (case-insensitive): the table of flowar.md §8.1 with scales 1,2,4,8,16
// and 1000 classes. Throws vs::Error for any other name.
FlowArConfig official_flowar_config(const std::string& size);

// Parameters of a config (AR + flownet), as the state-dict keys of §8.3 count them
// without buffers: 171,718,072 for S.
int64_t flowar_parameter_count(const FlowArConfig& config);

// Every key of §8.3 for `config` (buffers left out; the loader recomputes them) with
// N(0, 0.02²) matrices and embeddings, zero biases and unit norm weights; each tensor
// has its own stream of `seed`, so the model is the same on every run.
io::Checkpoint random_flowar_checkpoint(const FlowArConfig& config, uint64_t seed);
FlowArModel random_flowar(const std::string& size, uint64_t seed, WeightPrecision precision = WeightPrecision::kFp32);

// The official kl16 layout (ch 128, ch_mult 1,1,2,2,4, z 16) with N(0, 1/fan_in) convs,
// zero biases and unit GroupNorm weights, so decoded activations stay finite.
KlVae random_kl_vae(uint64_t seed);

}  // namespace vs::flowar
