// One finished scale of the generation on screen (batch row 0), published by the session's
// worker as an immutable value: what the strip, inspector, gauges and exports read. The same
// shape for both families; what differs is in the data (ids or latents), not in the type.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/generator/generator.h"
#include "core/observe/observer.h"

namespace vs::gui {

struct ScaleFrame {
  int scale = 0, side = 0, num_scales = 0;
  gen::ScaleCode code;            // this scale's code, row 0: the prefix of a replay
  std::vector<float> token_view;  // side² values, row-major: the token id, or ‖z‖₂ of a latent token
  int image_side = 0;
  std::vector<uint8_t> rgb;       // image_side² × 3: the picture after this scale
  double ms = 0;                  // wall time of the scale, its decode included
  // Per-head norms of every attention call of this scale, conditional row (row 0) only;
  // each carries its Site (module, kind, Euler step, block).
  std::vector<observe::HeadStats> stats;
  // What an approximate attention variant reported over the scale's row-0 calls (poly's
  // chosen degree and rank, its failed rows); calls = 0 when it reported nothing.
  struct VariantReport {
    int calls = 0;
    int min_degree = 0, max_degree = 0;
    int64_t max_rank = 0, failed_rows = 0;
    std::string last_summary;  // the variant's one-line summary of its last call
  } variant;
};

}  // namespace vs::gui
