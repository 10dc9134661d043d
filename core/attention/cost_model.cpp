#include "core/attention/cost_model.h"

#include "core/attention/attention.h"
#include "core/attention/pyramid.h"
#include "core/attention/spec_params.h"
#include "core/error.h"
#include "core/theory/rank.h"

namespace vs::attention {

namespace {

// The canonical spec (every parameter spelled out) parsed, so the model uses the values
// the variant itself runs with.
SpecParams canonical_params(const std::string& variant_spec) {
  return SpecParams(make_variant(variant_spec)->spec());
}

}  // namespace

double variant_model_flops(const std::string& variant_spec, const std::vector<int>& sides, int head_dim,
                           int heads) {
  SpecParams params = canonical_params(variant_spec);
  const double d = head_dim, H = heads;
  const double L = double(pyramid_tokens(sides));
  const std::string& name = params.name();
  if (name == "exact") return 4.0 * double(pyramid_allowed_pairs(sides)) * d * H;
  if (name == "poly") {
    const double r = theory::monomial_rank(head_dim, params.get_int("degree", 2, 0, 64));
    return 4.0 * L * r * (d + 1) * H;
  }
  if (name == "performer") {
    const double m = params.get_int("features", 64, 1, 1 << 30);
    return 4.0 * L * m * (2 * d + 1) * H;
  }
  if (name == "nystrom") {
    const double M = params.get_int("landmarks", 32, 1, 1 << 30);
    double flops = 0, visible = 0;
    for (int side : sides) {
      const double queries = double(side) * side;
      visible += queries;
      flops += 2.0 * M * (queries + visible) * 2 * d + 20.0 * M * M * M;
    }
    return flops * H;
  }
  if (name == "svd") return (2.0 * L * L * d + 10.0 * L * L * L) * H;
  throw Error("cost model: no model for variant '" + variant_spec + "'");
}

std::string variant_model_formula(const std::string& variant_spec) {
  const std::string name = canonical_params(variant_spec).name();
  if (name == "exact") return "4·P·d (P allowed pairs)";
  if (name == "poly") return "4·L·r·(d+1) (r = C(d+g, g) features)";
  if (name == "performer") return "4·L·m·(2d+1) (m features)";
  if (name == "nystrom") return "Σ_k 4·M·d·(q_k + c_k) + 20·M³ (M landmarks)";
  if (name == "svd") return "2·L²·d + 10·L³ (dense SVD)";
  return "no model";
}

}  // namespace vs::attention
