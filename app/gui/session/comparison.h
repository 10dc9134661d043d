// "Exact vs approximate" for any Generator: the run on screen sampled again with its own
// attention variant (the reference) and then with an approximation, same class and seed,
// each scale decoded from both, and how far the scale's code drifts apart: the share of
// equal token ids where the pyramid holds ids (VAR), the relative L2 error of the latent
// tokens where it holds latents (FlowAR). Runs on a worker; core does all model math.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/gui/workers/background_job.h"
#include "core/generator/generator.h"

namespace vs::gui {

// How far one attention call of the approximate run is from exact attention on the same
// inputs, per head: ‖O_approx − O_exact‖₂ / ‖O_exact‖₂ (row 0, the model's real q, k, v).
struct HeadError {
  observe::Site site;
  int head = 0;
  double error = 0;
};

// One scale of both runs (batch row 0).
struct CompareFrame {
  int scale = 0, side = 0, num_scales = 0;
  int image_side = 0;
  std::vector<uint8_t> reference_rgb, approx_rgb;  // image_side² × 3 each
  double image_error = 0;  // ‖rgb_approx − rgb_ref‖₂ / ‖rgb_ref‖₂
  double same_tokens = 0;  // fraction of equal ids; NaN for latent codes
  double token_error = 0;  // ‖code_approx − code_ref‖₂ / ‖code_ref‖₂ of latents; NaN for ids
  std::vector<HeadError> head_errors;  // every attention call of the scale × head
  double worst_head_error() const;     // NaN when none was measured
};

// The per-head errors of a module at a scale as (kind, block, head) -> the worst over its
// calls (the flownet's Euler steps), ordered by kind, block, head.
std::vector<HeadError> worst_head_errors(const CompareFrame& frame, observe::Module module);

// How far scale codes a and b (row 0) are apart: {same_tokens, token_error} as above.
std::pair<double, double> code_difference(const gen::ScaleCode& reference, const gen::ScaleCode& other, int64_t side);

// Samples `reference` (its own attention) then the same with approx_spec, publishing one
// frame per scale of the approximation as it finishes. A bad spec is a vs::Error before
// any sampling.
void run_comparison(const gen::Generator& generator, gen::SamplingRequest reference, const std::string& approx_spec,
                    BackgroundJob<CompareFrame>::Context& context);

}  // namespace vs::gui
