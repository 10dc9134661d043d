// A generation observer that steps aside while a sweep times (measurement_slot.h): it
// forwards every event to the observer it wraps (if any) and, after each scale and each
// Euler step, pauses while a timing slot is held. The explorer's generation, capture,
// comparison and grid workers sample through it, inside a WorkerActivity.
#pragma once
#include <atomic>

#include "app/gui/workers/measurement_slot.h"
#include "core/generator/generator.h"

namespace vs::gui {

class PausingObserver : public gen::GenerationObserver {
 public:
  PausingObserver(gen::GenerationObserver* inner, const std::atomic<bool>* cancel,
                  MeasurementQueue& queue = MeasurementQueue::shared())
      : inner_(inner), cancel_(cancel), queue_(queue) {}

  observe::ProbabilityRequest wants_probabilities(const observe::Site& site) override {
    return inner_ ? inner_->wants_probabilities(site) : observe::ProbabilityRequest{};
  }
  void on_attention(const observe::AttentionCall& call, const attention::Result& result) override {
    if (inner_) inner_->on_attention(call, result);
  }
  bool wants_timings() const override { return inner_ && inner_->wants_timings(); }
  void on_timing(observe::Part part, const observe::Site& site, double elapsed_ms) override {
    if (inner_) inner_->on_timing(part, site, elapsed_ms);
  }
  bool on_scale(const gen::ScaleEvent& event) override {
    const bool go_on = inner_ ? inner_->on_scale(event) : true;
    queue_.pause_point(cancel_);
    return go_on;
  }
  void on_step(const gen::StepEvent& event) override {
    if (inner_) inner_->on_step(event);
    queue_.pause_point(cancel_);
  }

 private:
  gen::GenerationObserver* inner_;
  const std::atomic<bool>* cancel_;
  MeasurementQueue& queue_;
};

}  // namespace vs::gui
