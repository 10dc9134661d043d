// The FlowAR sampler's standard normal noise: a documented, portable generator so a seed
// gives the same image on every compiler and machine (std::normal_distribution is
// implementation-defined, so none is used). PyTorch's stream is not reproduced
// (flowar.md §7 step 3); parity tests inject the reference's noise instead.
//
// Generator: splitmix64 (Steele, Lea & Flood, 2014), state started at
// seed ^ (0x9E3779B97F4A7C15 · (stream + 1)). Uniforms u = ((x >> 11) + 0.5) · 2⁻⁵³ in
// (0, 1). Normals by Box–Muller in pairs: with u1, u2 drawn in this order,
// r = sqrt(−2 ln u1), z0 = r cos(2π u2), z1 = r sin(2π u2); z0 is returned first.
#pragma once
#include <cstdint>

#include "core/tensor.h"

namespace vs::flowar {

class GaussianNoise {
 public:
  explicit GaussianNoise(uint64_t seed, uint64_t stream = 0);
  double uniform();
  double normal();
  // Fills `count` floats at `out` with successive normals.
  void fill(float* out, int64_t count);

 private:
  uint64_t state_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace vs::flowar
