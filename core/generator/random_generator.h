// Generators with random weights in the official shapes, for `bench generate`: timing and
// peak memory of a full generation need the shapes, not trained values, and no download.
// Like open_generator, this is a place that tells the families apart (by the spec's name).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/generator/generator.h"

namespace vs::gen {

// "var-d<depth>" (depth 1..36: VarModel::random, C = 64·depth, with the official VQ-VAE)
// or "flowar-<S|L|H>" (random_flowar with the official KL-16 VAE). `scales` overrides
// VAR's patch_nums; the transformers' Linear weights are stored in `precision`. Throws
// vs::Error naming the spec for any other name.
std::unique_ptr<Generator> open_random_generator(const std::string& spec, const std::vector<int>& scales = {},
                                                 WeightPrecision precision = WeightPrecision::kFp32);

// About the bytes building and running that model takes (weights, the VAE's load copy,
// the KV cache of a CFG run and ~400 MB of activations and decoder feature maps), to
// refuse before allocating anything. bf16 halves the transformers' weights once built,
// but each is built in float32 first. Throws like open_random_generator.
double random_generator_bytes(const std::string& spec);

}  // namespace vs::gen
