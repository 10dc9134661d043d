// FLOP estimates of one image's generation (ModelInfo::sample_flops / decode_flops), where
// a formula is written down: VAR's (var.md §7). Used by open_generator and
// open_random_generator when they build a VAR model.
#pragma once
#include <cstdint>

#include "core/var/var_config.h"

namespace vs::gen {

// var.md §7: R·[depth·(24C²L + 4CP) + 2CVL + depth·12C²K + 4C²K] + 2·Cvae·C·L·B, R = 2B
// (CFG), for B = 1.
double var_sample_flops(const var::VarConfig& config);

// The official VQ-VAE decoder's convolutions + attention: about 394 GFLOP at 256 px
// (var.md §7), scaling with the pixel count.
double var_decode_flops(int image_side);

}  // namespace vs::gen
