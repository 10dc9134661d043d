// make_variant: spec string -> variant, and the shared argument checks of run().
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/attention/attention.h"
#include "core/attention/variants.h"
#include "core/error.h"
#include "core/finite_values.h"
#include "core/memory_budget.h"

namespace vs::attention {

std::string valid_variant_specs() {
  return "exact, poly:degree=G[:basis=taylor|chebyshev][:form=auto|plain|squared], "
         "poly:auto[:eps=E][:basis=taylor|chebyshev][:max_rank=R], performer:features=M[:seed=S], "
         "nystrom:landmarks=M, svd:rank=R, "
         "window:w=W[:w_prev=W][:exact=E][:prev=P][:shape=band|square][:logits=exclude|zero], "
         "window:widths=FILE[:logits=exclude|zero]";
}

std::unique_ptr<Variant> make_variant(const std::string& spec) {
  SpecParams params(spec);
  const std::string& name = params.name();
  if (name == "exact") return make_exact(params);
  if (name == "poly") return make_poly(params);
  if (name == "performer") return make_performer(params);
  if (name == "nystrom") return make_nystrom(params);
  if (name == "svd") return make_svd(params);
  if (name == "window") return make_window(params);
  throw Error("attention variant '" + spec + "': unknown name '" + name +
              "'; valid variants: " + valid_variant_specs());
}

float resolved_scale(const Options& options, int64_t head_dim) {
  return options.scale >= 0 ? options.scale : 1.0f / std::sqrt(float(std::max<int64_t>(1, head_dim)));
}

Dims validate_inputs(const std::string& who, const Tensor& q, const Tensor& k, const Tensor& v,
                     const Structure& structure, const Options& options) {
  auto need_rank3 = [&](const Tensor& t, const char* name) {
    if (t.rank() != 3)
      throw Error(who + ": " + name + " must have shape [H, L, d], got " + t.shape_str());
  };
  need_rank3(q, "q");
  need_rank3(k, "k");
  need_rank3(v, "v");
  // Empty tensors may carry huge dims; bounded here, the loops over them stay bounded.
  check_shape_extent(q.shape, who + ": q");
  check_shape_extent(k.shape, who + ": k");
  check_shape_extent(v.shape, who + ": v");
  Dims d{q.dim(0), q.dim(1), k.dim(1), q.dim(2), v.dim(2)};
  if (k.dim(0) != d.heads || v.dim(0) != d.heads)
    throw Error(who + ": head counts differ: q " + q.shape_str() + ", k " + k.shape_str() + ", v " +
                v.shape_str());
  if (k.dim(2) != d.head_dim)
    throw Error(who + ": q and k head dims differ: q " + q.shape_str() + ", k " + k.shape_str());
  if (v.dim(1) != d.num_keys)
    throw Error(who + ": k and v token counts differ: k " + k.shape_str() + ", v " + v.shape_str());
  if (d.head_dim < 1 || d.value_dim < 1 || d.heads < 1)
    throw Error(who + ": empty head or feature dimension in q " + q.shape_str());
  if (d.num_keys < 1 && d.num_queries > 0) throw Error(who + ": no keys for " + std::to_string(d.num_queries) + " queries");
  structure.validate(d.num_queries, d.num_keys);
  if (options.capture_probs &&
      (options.prob_row_begin < 0 || options.prob_row_end > d.num_queries ||
       options.prob_row_begin > options.prob_row_end))
    throw Error(who + ": probability rows [" + std::to_string(options.prob_row_begin) + ", " +
                std::to_string(options.prob_row_end) + ") outside the " +
                std::to_string(d.num_queries) + " queries");
  float max_abs[3] = {0, 0, 0};  // q, k, v
  const char* names[3] = {"q", "k", "v"};
  for (int i = 0; i < 3; ++i) {
    const Tensor& t = i == 0 ? q : i == 1 ? k : v;
    if (count_non_finite(t.ptr(), t.numel()) > 0)
      throw Error(who + ": " + names[i] + " contains NaN or infinity");
    for (float x : t.data) max_abs[i] = std::max(max_abs[i], std::abs(x));
  }
  // Finite entries can still give logits beyond float: every key's logit is then −inf and
  // softmax divides 0 by 0 (exact attention returned NaN with exit 0). |q·k|·scale is at
  // most max|q|·max|k|·d·scale; refused when that leaves no headroom in float32.
  const double logit_bound = double(max_abs[0]) * max_abs[1] * double(d.head_dim) * resolved_scale(options, d.head_dim);
  if (logit_bound > 1e30) {
    char text[160];
    std::snprintf(text, sizeof text, "q and k entries up to %.3g and %.3g give logits up to %.3g, beyond float32's range",
                  max_abs[0], max_abs[1], logit_bound);
    throw Error(who + ": " + text);
  }
  return d;
}

}  // namespace vs::attention
