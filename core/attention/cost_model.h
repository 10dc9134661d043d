// The cost model of each attention variant on a block-causal pyramid, in float
// multiply-add flops (2 per multiply-add): what the theory says the work is, so a measured
// runtime curve can be drawn beside its prediction, time = flops / (this machine's GEMM
// rate). The ratio measured / predicted is how far from the machine's limit a variant runs.
//   exact      4·P·d        P = allowed query–key pairs (QKᵀ and PV over the mask; var.md §7)
//   poly       4·L·r·(d+1)  r = C(d+g, g) features (theory §2.3): prefix states and outputs
//   performer  4·L·m·(2d+1) m features: φ(Q), φ(K), states and outputs
//   nystrom    Σ_scales 2·M·(q_k + c_k)·2d + 20·M³   M landmarks, q_k queries of scale k, c_k keys visible
//   svd        2·L²·d + 10·L³  a dense SVD of the L×L probabilities (a diagnostic)
// per head, value dim = d. Constant factors are the model's; exponents are the theory's.
#pragma once
#include <string>
#include <vector>

namespace vs::attention {

// Flops of `variant_spec` (any spec make_variant accepts) on the block-causal pyramid
// `sides` with head dim d and `heads` heads. Throws vs::Error on a bad spec.
double variant_model_flops(const std::string& variant_spec, const std::vector<int>& sides, int head_dim,
                           int heads);
// One line naming the model of the variant, e.g. "4·P·d (allowed pairs)".
std::string variant_model_formula(const std::string& variant_spec);

}  // namespace vs::attention
