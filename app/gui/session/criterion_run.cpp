#include "app/gui/session/criterion_run.h"

#include "app/cli/criterion_export.h"
#include "app/gui/workers/pausing_observer.h"

namespace vs::gui {

namespace {

// Attention calls to the criterion, scales and Euler steps to the progress bar.
class CriterionProgress : public gen::GenerationObserver {
 public:
  CriterionProgress(observe::CriterionObserver& target, BackgroundJob<CriterionResult>::Context& context)
      : target_(target), context_(context) {}
  void on_attention(const observe::AttentionCall& call, const attention::Result& result) override {
    target_.on_attention(call, result);
  }
  bool on_scale(const gen::ScaleEvent& e) override {
    context_.progress(e.scale + 1, e.num_scales, "scale " + std::to_string(e.scale + 1) + " of " + std::to_string(e.num_scales));
    return true;
  }
  void on_step(const gen::StepEvent& e) override {
    context_.progress(e.scale, e.num_scales,
                      "scale " + std::to_string(e.scale + 1) + ", Euler step " + std::to_string(e.step + 1) + "/" +
                          std::to_string(e.steps));
  }

 private:
  observe::CriterionObserver& target_;
  BackgroundJob<CriterionResult>::Context& context_;
};

}  // namespace

void run_criterion(const gen::Generator& generator, const gen::SamplingRequest& settings, long samples, double eps,
                   BackgroundJob<CriterionResult>::Context& context) {
  CriterionResult result;
  result.samples = samples;
  result.eps = eps;
  result.request = cli::criterion_request(generator.info(), settings, samples);
  gen::SamplingRequest request = result.request;
  request.cancel = context.cancel_flag();
  observe::CriterionObserver observer;
  CriterionProgress progress(observer, context);
  // Steps aside between scales while a runtime sweep times (measurement_slot.h).
  const MeasurementQueue::WorkerActivity activity(context.cancel_flag());
  PausingObserver pausing(&progress, context.cancel_flag());
  const gen::SampleResult sampled = generator.sample(request, &pausing);
  if (sampled.cancelled || context.cancelled()) return;
  result.rows = observer.rows(eps);
  result.histogram = observe::zone_histogram(result.rows);
  result.verdict = observe::criterion_verdict(result.rows, eps);
  context.publish(std::move(result));
}

}  // namespace vs::gui
