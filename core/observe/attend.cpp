#include "core/observe/attend.h"

namespace vs::observe {

attention::Result observed_attention(const attention::Variant& variant, Observer* observer, const Site& site,
                                     const Tensor& q, const Tensor& k, const Tensor& v,
                                     const attention::Structure& structure, float softmax_scale,
                                     const std::vector<int>& key_sides) {
  attention::Options options;
  options.scale = softmax_scale;
  options.site.layer = site.block;
  options.site.scale = site.scale;
  options.site.key_sides = key_sides;
  if (observer) {
    const ProbabilityRequest request = observer->wants_probabilities(site);
    if (request.capture) {
      options.capture_probs = true;
      options.prob_row_begin = request.row_begin;
      options.prob_row_end = request.row_end < 0 ? q.dim(1) : request.row_end;
    }
  }
  attention::Result result = variant.run(q, k, v, structure, options);
  if (observer) observer->on_attention({site, q, k, softmax_scale, structure, &v}, result);
  return result;
}

}  // namespace vs::observe
