// What both family adapters do with their sampler's per-scale callback: time the scale,
// hand the observer its ScaleEvent, and stop after request.stop_after or the scale an
// acceleration plan stops at (skip:after=K), whichever comes first. One place, so the
// families report scales the same way.
#pragma once
#include <algorithm>
#include <chrono>

#include "core/generator/generator.h"

namespace vs::gen {

class ScaleRelay {
 public:
  // planned_last: the last scale the acceleration plan samples; -1: every scale.
  ScaleRelay(const SamplingRequest& request, GenerationObserver* observer, int planned_last = -1)
      : stop_after_(earlier(request.stop_after, planned_last)),
        observer_(observer),
        clock_(std::chrono::steady_clock::now()) {}

  // Reports a finished scale; returns whether the sampler goes on.
  bool relay(int scale, int side, int num_scales, const ScaleCode& code, const Tensor* image01) {
    stopped_as_asked_ = stop_after_ >= 0 && scale >= stop_after_;
    bool go_on = !stopped_as_asked_;
    if (observer_) {
      const auto now = std::chrono::steady_clock::now();
      const double ms = std::chrono::duration<double, std::milli>(now - clock_).count();
      go_on = observer_->on_scale({scale, side, num_scales, code, image01, ms}) && go_on;
      clock_ = std::chrono::steady_clock::now();  // the observer's own time is not the next scale's
    }
    return go_on;
  }
  // The run ended at stop_after (not a cancel).
  bool stopped_as_asked() const { return stopped_as_asked_; }
  bool wants_events() const { return observer_ != nullptr; }

 private:
  static int earlier(int a, int b) { return a < 0 ? b : b < 0 ? a : std::min(a, b); }
  int stop_after_;
  GenerationObserver* observer_;
  std::chrono::steady_clock::time_point clock_;
  bool stopped_as_asked_ = false;
};

}  // namespace vs::gen
