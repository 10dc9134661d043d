// Acceleration methods as one spec string (issue 15, ../shared/spec/acceleration.md):
// generation-level policies beside the attention variant, parsed here and nowhere else.
// Methods are joined by '+', each at most once:
//   none                          no acceleration (the exact run)
//   skip:after=K                  stop after scale K, decode what exists (SkipVAR/FastVAR §1, §5)
//   cfg-drop[:from=K][:guidance=G] from scale K on, only the conditional rows run (SkipVAR §5);
//                                 FlowAR: G narrows the guidance interval to t ≤ G (§7);
//                                 G alone leaves every scale's unconditional rows on
//   steps:n=N | steps:per=N0,N1,… FlowAR's Euler steps overall or per scale (§7)
//   fastvar[:cache=S][:prune=S@R,…] VAR: FastVAR's cached token pruning (§1), keyed on
//                                 scale sides; default cache = the third-to-last side,
//                                 prune the second-to-last at 0.4 and the last at 0.5 —
//                                 the spec's VAR-256 analogue (10; 13@0.4, 16@0.5), [D]
//   code:drafter=MODEL[:switch=N] CoDe's collaborative decoding (§3): MODEL (a shipped name
//                                 or a checkpoint of the same family and tokenizer) drafts
//                                 scales 0…N−1, the loaded model refines N… after a
//                                 teacher-forced prefill; default N = -2 (the last two
//                                 scales refined, the spec's d30 → d16 with N = 8 of 10)
//   cfg-share[:from=K]            VAR: from scale K on (default 0, every scale) the
//                                 unconditional rows take the conditional rows' attention
//                                 probabilities over their own values (LiteVAR's ASC, §4)
// Scale indices are 0-based; a negative one counts from the end (-1 = the last scale).
// Defaults: skip after=-2 (the last scale skipped), cfg-drop from=-1 (the last scale).
// Rules and their provenance: provenance.h.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vs::accel {

struct AccelSpec {
  std::string text = "none";         // the spec as given ("none" when empty)
  std::optional<int> skip_after;     // the last scale sampled
  std::optional<int> uncond_from;    // the first scale without unconditional rows
  std::optional<double> guidance;    // FlowAR: guided steps only while t ≤ this
  int steps = 0;                     // FlowAR: Euler steps on every scale; 0: the request's
  std::vector<int> steps_per_scale;  // FlowAR: Euler steps of each scale; empty: `steps`
  bool fastvar = false;
  std::optional<int> fastvar_cache;                 // side of the cache scale
  std::vector<std::pair<int, double>> fastvar_prune;  // (side, share pruned); empty: the default
  std::string code_drafter;        // CoDe: the drafter model; empty: no CoDe
  std::optional<int> code_switch;  // CoDe: the first scale the loaded model samples
  std::optional<int> share_cfg_from;  // cfg-share: the first scale that shares
  bool none() const {
    return !skip_after && !uncond_from && !guidance && steps == 0 && steps_per_scale.empty() && !fastvar &&
           code_drafter.empty() && !share_cfg_from;
  }
};

// The usage table every error names: each method's form.
std::string valid_accel_specs();

// Spec string -> methods. Throws one vs::Error line ("acceleration 'X': why; valid
// methods: …") on an unknown method, a repeated one, a bad or unknown parameter.
AccelSpec parse_accel(const std::string& spec);

// The spec without its `code:` method ("none" when nothing else is left): what the drafter
// and the refiner each run once CoDe has split the scales between them.
std::string without_collaborative_decoding(const std::string& spec);

}  // namespace vs::accel
