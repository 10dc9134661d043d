// CoDe's collaborative decoding (acceleration.md §3, `code:drafter=MODEL:switch=N`): a
// second model of the same family and tokenizer drafts scales 0…N−1; the loaded model then
// ingests the drafted maps as a teacher-forced prefix (its prefill: the cached loop over
// those scales with given tokens, the spec's [D] equivalence) and samples N…K−1. The
// drafter draws from the same seed streams, and a prefix scale draws and discards its
// random numbers, so a drafter equal to the loaded model reproduces the plain run exactly
// (the method's null test). open_generator wraps every generator in this, because only
// this level may open a second model.
#pragma once
#include <memory>

#include "core/generator/generator.h"

namespace vs::gen {

// `inner` with CoDe: requests without a code: method pass straight through.
std::unique_ptr<Generator> with_collaborative_decoding(std::unique_ptr<Generator> inner);

}  // namespace vs::gen
