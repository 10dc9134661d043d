// The explorer's one GenerationObserver: turns a Generator's events into ScaleFrames (the
// scale's code and token view, its decoded picture, its time, the head norms of every
// attention call of row 0) and reports Euler-step progress. Runs on the session's worker.
#pragma once
#include <functional>
#include <vector>

#include "app/gui/session/scale_frame.h"
#include "core/generator/generator.h"

namespace vs::gui {

class FrameRecorder : public gen::GenerationObserver {
 public:
  using Publish = std::function<void(ScaleFrame)>;
  using Step = std::function<void(const gen::StepEvent&)>;
  // Scales below first_scale (a kept prefix, already on screen) publish nothing.
  FrameRecorder(int first_scale, Publish publish, Step step = {})
      : first_scale_(first_scale), publish_(std::move(publish)), step_(std::move(step)) {}

  void on_attention(const observe::AttentionCall& call, const attention::Result& result) override;
  bool on_scale(const gen::ScaleEvent& event) override;
  void on_step(const gen::StepEvent& event) override;

 private:
  int first_scale_;
  Publish publish_;
  Step step_;
  std::vector<observe::HeadStats> stats_;  // of the scale under way
  ScaleFrame::VariantReport variant_;
};

// Row 0 of a scale's code (ids or latent tokens) and its token view.
gen::ScaleCode first_row(const gen::ScaleCode& code, int64_t side);
std::vector<float> token_view(const gen::ScaleCode& row, int64_t side);

}  // namespace vs::gui
