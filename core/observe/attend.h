// The two things every transformer of both families does around an attention call or a
// part of a block: ask the observer what to capture, run the variant, report the call
// (observed_attention), and time a part only when the observer asks (PartTimer).
#pragma once
#include <chrono>
#include <vector>

#include "core/attention/attention.h"
#include "core/observe/observer.h"
#include "core/tensor.h"

namespace vs::observe {

// One attention call of the variant on q, k, v (H, L, hd) with `structure` and logit
// scale `softmax_scale`, reported to `observer` (may be null) at `site`. Returns the
// variant's result (out (H, Lq, hd), probs only when the observer asked). The variant
// learns the site's block and scale (attention::CallSite) and, for VAR's KV-cache steps,
// `key_sides`: the sides of the scales the cached keys hold.
attention::Result observed_attention(const attention::Variant& variant, Observer* observer, const Site& site,
                                     const Tensor& q, const Tensor& k, const Tensor& v,
                                     const attention::Structure& structure, float softmax_scale,
                                     const std::vector<int>& key_sides = {});

// Times one part of a model when the observer asks for timings; otherwise reads no clock.
class PartTimer {
 public:
  PartTimer(Observer* observer, Part part, const Site& site)
      : observer_(observer && observer->wants_timings() ? observer : nullptr), part_(part), site_(site) {
    if (observer_) start_ = std::chrono::steady_clock::now();
  }
  ~PartTimer() {
    if (observer_)
      observer_->on_timing(
          part_, site_,
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count());
  }
  PartTimer(const PartTimer&) = delete;
  PartTimer& operator=(const PartTimer&) = delete;

 private:
  Observer* observer_;
  Part part_;
  Site site_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace vs::observe
