// Parity replays: a generation with everything random given instead of drawn, writing the
// intermediates the reference's fixtures hold — the parity harness, and a way to re-run one
// draw under another attention variant or sampling setting. Input and output are the
// family's own (VAR: token ids in, both CFG halves' logits out; FlowAR: each scale's noise
// in, samples and AR conditions out), so this is, next to open_generator, the place that
// tells the families apart; the samplers' parity hooks (on_logits, inject_noise) stay here.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/generator/generator.h"
#include "core/io/safetensors.h"

namespace vs::io {
struct ModelRef;
}

namespace vs::gen {

struct ReplayOutput {
  io::SafetensorsWriter file;  // the replay's tensors and metadata, ready to write
  std::string summary;         // one line: what was replayed
};

class ParityReplay {
 public:
  virtual ~ParityReplay() = default;
  // The model as a Generator: its info and default request (the sampling flags).
  virtual const Generator& generator() const = 0;
  // VAR: `input` holds ids I64 [B, L] and labels I64 [B]; writes labels, ids, logits and
  // logits_uncond (B, L, V), fhat_s<k> and img (raw decoder output). FlowAR: labels I64 [B]
  // and noise_s<k> F32 [B, s², C] (the conditional rows' initial noise of scale k); writes
  // labels, sample_s<k>, cond_s<k> and img (raw). Only the request's attention (and, for
  // FlowAR, cfg and extras) matter. Errors name the file, the tensor and the expected shape.
  virtual ReplayOutput replay(const std::string& input_path, const SamplingRequest& request) const = 0;
};

// Loads the model `ref` names, like open_generator (`scales` overrides its scale schedule).
std::unique_ptr<ParityReplay> open_parity_replay(const io::ModelRef& ref, const std::vector<int>& scales = {});

}  // namespace vs::gen
