// The inspector's attention maps, for either family: a finished run replayed with its own
// scales as the prefix up to one scale (the prefix scales draw and discard their random
// numbers, so the replay makes the same calls as the run) while an observer keeps the
// probabilities of one site — module, kind, scale, Euler step, block — for row 0, every
// head, and every block × head of the same (module, kind, scale, Euler step) as a small
// thumbnail (HeadGrid). Runs on a worker; all model math is core's.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/gui/session/head_grid.h"
#include "core/generator/generator.h"

namespace vs::gui {

// One attention site of a run (block included); euler_step −1 outside the flownet.
struct CaptureKey {
  observe::Module module = observe::Module::kVar;
  observe::AttentionKind kind = observe::AttentionKind::kSelf;
  int scale = 0, euler_step = -1, block = 0;
  bool same_grid(const CaptureKey& o) const {
    return module == o.module && kind == o.kind && scale == o.scale && euler_step == o.euler_step;
  }
  bool operator==(const CaptureKey& o) const { return same_grid(o) && block == o.block; }
  bool matches(const observe::Site& site) const {
    return site.module == module && site.kind == kind && site.scale == scale && site.euler_step == euler_step;
  }
};

struct AttentionMap {
  CaptureKey key;
  int heads = 0, head_dim = 0;
  int64_t queries = 0, keys = 0;
  std::vector<float> probs;  // (heads, queries, keys), row 0, each row summing to 1
  // Every block × head of the key's (module, kind, scale, Euler step); shared between
  // captures that differ only in the block.
  std::shared_ptr<const HeadGrid> grid;
  int generation_serial = 0;  // the run it replayed
};

// Refused above this (all heads of one map), before any work.
constexpr int64_t kCaptureBytes = int64_t(256) << 20;

// "the run made no var self-attention call at scale 3, block 2": a replay that never
// reached the call `key` names.
std::string missing_call_message(const CaptureKey& key);

// Replays `request` (the run's own) with pyramid[0, key.scale) kept, up to key.scale, and
// returns the map; want_grid also fills the thumbnails. Throws vs::Error when the map
// would exceed kCaptureBytes, the run made no such call, or it was cancelled.
AttentionMap capture_attention(const gen::Generator& generator, gen::SamplingRequest request,
                               const gen::Pyramid& pyramid, const CaptureKey& key, bool want_grid,
                               const std::atomic<bool>* cancel);

}  // namespace vs::gui
