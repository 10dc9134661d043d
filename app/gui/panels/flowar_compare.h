// The FlowAR side of "Exact vs approximate": the same class and seed sampled twice, once
// with the reference attention variant (the FlowAR session's) and once with an
// approximation, with each scale's decoded picture from both and how far the scale's
// sampled latent tokens drift apart. Runs on a worker; core does all model math.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/gui/flowar/flowar_session.h"
#include "app/gui/workers/background_job.h"

namespace vs::gui {

// One scale of both runs (batch row 0).
struct FlowArCompareFrame {
  int scale = 0, side = 0, num_scales = 0;
  int image_side = 0;
  std::vector<uint8_t> reference_rgb, approx_rgb;  // image_side² × 3 each
  double token_error = 0;  // ‖tokens_approx − tokens_ref‖₂ / ‖tokens_ref‖₂ of the scale
};

// Samples `params` (the reference, params.variant) then the same with approx_spec,
// publishing one frame per scale of the approximation as it finishes. Throws vs::Error on a
// bad spec (before any sampling).
void run_flowar_comparison(const LoadedFlowAr& loaded, const FlowArParams& params, const std::string& approx_spec,
                           BackgroundJob<FlowArCompareFrame>::Context& context);

}  // namespace vs::gui
