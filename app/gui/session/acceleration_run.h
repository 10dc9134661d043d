// "Accelerate" for either family: the run on screen sampled again exactly (its reference,
// timed per scale) and with an acceleration spec (core/accel: skip, cfg-drop, FlowAR step
// schedules, FastVAR pruning) beside its attention variant, same class and seed, so the
// explorer shows what each method buys — time per scale — and what it costs: the
// kept-token mask FastVAR recorded, the final image's difference and PSNR, and how far
// each scale's code drifted. Runs on a worker; core does all model math.
#pragma once
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "app/gui/workers/background_job.h"
#include "core/generator/generator.h"

namespace vs::gui {

// One scale of both runs (row 0); published as the accelerated run finishes it.
struct AccelFrame {
  int scale = 0, side = 0, num_scales = 0;
  double reference_ms = 0, accel_ms = 0;  // wall time of the scale in each run
  bool sampled = true;                    // false: skipped by the spec (accel_ms 0)
  std::vector<float> kept;  // FastVAR: per token the share of pruned sub-layers that ran it; empty: none pruned
  double same_tokens = 0;   // share of equal ids (VAR); NaN for latents
  double token_error = 0;   // ‖z_accel − z_exact‖ / ‖z_exact‖ (FlowAR); NaN for ids
};

// The whole run once both are done.
struct AccelSummary {
  double reference_ms = 0, accel_ms = 0;  // sampling and decoding, end to end
  int image_side = 0;
  std::vector<uint8_t> reference_rgb, accel_rgb;
  double psnr = 0;                   // dB of the accelerated image against the exact one
  std::vector<std::string> notes;    // the spec's extrapolations (provenance), to show beside it
};

// What the worker publishes: a frame per scale, then the summary.
using AccelEvent = std::variant<AccelFrame, AccelSummary>;

// Checks `accel_spec` against the model (one vs::Error line before any sampling), samples
// the baseline (`request` with exact attention and no acceleration), then `request` with
// its own attention variant and the spec, publishing a frame per scale of the latter (and
// one per skipped scale), and last the summary.
void run_acceleration(const gen::Generator& generator, const gen::SamplingRequest& request, const std::string& accel_spec,
                      BackgroundJob<AccelEvent>::Context& context);

}  // namespace vs::gui
