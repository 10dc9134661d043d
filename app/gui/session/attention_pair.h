// "Exact vs approximate" at the inspector's site: the run on screen replayed up to the
// selected scale (same request, same seed, so the same calls), and at the selected site
// (module, kind, scale, Euler step, block) the model's own q, k, v given to exact softmax
// and to the approximation. Of the selected head, row 0: both probability maps and their
// signed difference, the map the panel shows on a colour scale symmetric about zero. Runs
// on a worker; the attention math is core's.
#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "app/gui/session/attention_capture.h"
#include "core/generator/generator.h"

namespace vs::gui {

struct AttentionPair {
  CaptureKey key;
  int head = 0;
  std::string approx_spec;  // as core spells it
  int64_t queries = 0, keys = 0;
  std::vector<float> exact, approx;  // (queries, keys), each exact row summing to 1
  std::vector<float> difference;     // approx − exact
  double max_abs_difference = 0;     // the half-range of the difference's colour scale
  double relative_error = 0;         // ‖approx − exact‖_F / ‖exact‖_F of the maps
  int generation_serial = 0;         // the run it replayed (set by the caller)
};

// Replays `request` up to key.scale and returns the pair of the head. Throws vs::Error on a
// spec make_variant refuses, a head the site does not have, maps above kCaptureBytes, a
// site the run never reached, or a cancel.
AttentionPair capture_attention_pair(const gen::Generator& generator, gen::SamplingRequest request,
                                     const CaptureKey& key, int head, const std::string& approx_spec,
                                     const std::atomic<bool>* cancel);

}  // namespace vs::gui
