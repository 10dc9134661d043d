#include "app/gui/session/acceleration_run.h"

#include <chrono>
#include <cmath>
#include <limits>

#include "app/gui/session/comparison.h"
#include "app/gui/workers/measurement_slot.h"
#include "core/accel/accel_spec.h"
#include "core/accel/fidelity.h"
#include "core/accel/provenance.h"
#include "core/generator/accel_target.h"
#include "core/io/image_io.h"

namespace vs::gui {

namespace {

// Each scale's wall time and code, row 0.
class ScaleTimes : public gen::GenerationObserver {
 public:
  bool on_scale(const gen::ScaleEvent& e) override {
    ms.resize(size_t(e.scale) + 1, 0.0);
    codes.resize(size_t(e.scale) + 1);
    ms[size_t(e.scale)] = e.ms;
    codes[size_t(e.scale)] = e.code;
    if (on_each) on_each(e);
    return true;
  }
  std::vector<double> ms;
  gen::Pyramid codes;
  std::function<void(const gen::ScaleEvent&)> on_each;
};

double elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

void run_acceleration(const gen::Generator& generator, const gen::SamplingRequest& request, const std::string& accel_spec,
                      BackgroundJob<AccelEvent>::Context& context) {
  gen::SamplingRequest accelerated = request;
  accelerated.accel = accel_spec.empty() ? "none" : accel_spec;
  accelerated.decode_each_scale = false;
  accelerated.decode_final = true;
  const accel::AccelPlan plan = gen::accel_plan(generator.info(), accelerated);  // a bad spec fails here
  gen::SamplingRequest reference = request;
  reference.attention = "exact";
  reference.accel = "none";
  reference.decode_each_scale = false;
  reference.decode_final = true;
  reference.cancel = accelerated.cancel = context.cancel_flag();
  const int K = generator.info().num_scales();
  // Both runs are timed against each other: they hold the timing slot, so no sweep runs and
  // the explorer's other workers pause meanwhile (measurement_slot.h).
  context.progress(0, 2 * K, "waiting for the cores");
  const MeasurementQueue::Slot slot = MeasurementQueue::shared().acquire(*context.cancel_flag(), true);
  if (!slot.owns_lock()) return;

  ScaleTimes exact;
  exact.on_each = [&](const gen::ScaleEvent& e) { context.progress(e.scale + 1, 2 * K, "exact"); };
  auto start = std::chrono::steady_clock::now();
  const gen::SampleResult exact_run = generator.sample(reference, &exact);
  const double exact_total = elapsed_ms(start);
  if (exact_run.cancelled || context.cancelled()) return;

  ScaleTimes fast;
  fast.on_each = [&](const gen::ScaleEvent& e) {
    AccelFrame frame;
    frame.scale = e.scale, frame.side = e.side, frame.num_scales = e.num_scales;
    frame.reference_ms = exact.ms.at(size_t(e.scale));
    frame.accel_ms = e.ms;
    frame.kept = e.code.kept;
    std::tie(frame.same_tokens, frame.token_error) = code_difference(exact.codes.at(size_t(e.scale)), e.code, e.side);
    context.publish(std::move(frame));
    context.progress(K + e.scale + 1, 2 * K, "accelerated");
  };
  start = std::chrono::steady_clock::now();
  const gen::SampleResult fast_run = generator.sample(accelerated, &fast);
  const double fast_total = elapsed_ms(start);
  if (fast_run.cancelled || context.cancelled()) return;
  // Scales the spec skipped: a row each, so the table shows what was not computed.
  for (int k = plan.last_scale + 1; k < K; ++k) {
    AccelFrame frame;
    frame.scale = k, frame.side = generator.info().scales[size_t(k)], frame.num_scales = K;
    frame.reference_ms = exact.ms.at(size_t(k)), frame.sampled = false;
    frame.same_tokens = frame.token_error = std::numeric_limits<double>::quiet_NaN();
    context.publish(std::move(frame));
  }
  AccelSummary summary;
  summary.reference_ms = exact_total, summary.accel_ms = fast_total;
  summary.image_side = int(exact_run.image01.dim(3));
  summary.reference_rgb = io::image01_to_rgb8(exact_run.image01, 0);
  summary.accel_rgb = io::image01_to_rgb8(fast_run.image01, 0);
  summary.psnr = accel::psnr01(fast_run.image01, exact_run.image01);
  summary.notes = accel::extrapolations(accel::parse_accel(accelerated.accel), gen::is_flowar(generator));
  context.publish(std::move(summary));
}

}  // namespace vs::gui
