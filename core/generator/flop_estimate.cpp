#include "core/generator/flop_estimate.h"

namespace vs::gen {

double var_sample_flops(const var::VarConfig& c) {
  const double C = c.width, L = static_cast<double>(c.tokens()), V = c.vocab, K = c.num_scales();
  double P = 0, cum = 0;  // Σ_k n_k · (tokens up to k): the query × key pairs of attention
  for (int k = 0; k < c.num_scales(); ++k) {
    const double n = static_cast<double>(c.scale_tokens(k));
    cum += n;
    P += n * cum;
  }
  const double B = 1, R = 2.0 * B;
  return R * (c.depth * (24 * C * C * L + 4 * C * P) + 2 * C * V * L + c.depth * 12 * C * C * K + 4 * C * C * K) +
         2.0 * c.cvae * C * L * B;
}

double var_decode_flops(int image_side) { return 394e9 * (image_side / 256.0) * (image_side / 256.0); }

}  // namespace vs::gen
