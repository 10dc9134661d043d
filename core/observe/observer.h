// Observers: what a model reports about itself while it runs. The models (VAR, FlowAR)
// call an observer once per attention call — one (step, layer, batch row) with all its
// heads — handing it q and k exactly as they enter the softmax, so an observer can
// measure the quantities of theory §2 (max|Q|, max|K|, β = max|logit|) and ask for the
// attention probabilities of that call. A model with no observer attached does none of
// this work: every hook sits behind `if (observer)`.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/attention/attention.h"
#include "core/attention/head_norms.h"
#include "core/attention/structure.h"
#include "core/tensor.h"

namespace vs::observe {

// Where an attention call sits in a run.
struct AttentionSite {
  int step = -1;     // scale index of a KV-cache step; -1 for a teacher-forced full pass
  int layer = 0;     // block index
  int64_t row = 0;   // batch row; with CFG the conditional rows come first
  int64_t rows = 1;  // rows in the batch
};

// One attention call as the variant sees it.
struct AttentionCall {
  AttentionSite site;
  const Tensor& q;  // (H, Lq, hd) after l2-norm and scale_mul (VAR), i.e. softmax input
  const Tensor& k;  // (H, Lk, hd)
  float softmax_scale;  // logit = softmax_scale · q·k
  const attention::Structure& structure;
};

// Which query rows' probabilities to capture (every head is captured; pick afterwards).
struct ProbabilityRequest {
  bool capture = false;
  int64_t row_begin = 0, row_end = 0;  // query rows among the call's Lq; end = -1: all
};

enum class Part { kAttention, kMlp, kHead, kEmbedding };
const char* part_name(Part part);

class Observer {
 public:
  virtual ~Observer() = default;
  // Asked before the call; the default captures nothing.
  virtual ProbabilityRequest wants_probabilities(const AttentionSite&) { return {}; }
  // After the call; result.probs is (H, rows, Lk) when probabilities were requested.
  virtual void on_attention(const AttentionCall&, const attention::Result&) {}
  // Whether the model should time its parts (a clock read per part per layer).
  virtual bool wants_timings() const { return false; }
  virtual void on_timing(Part, int /*step*/, int /*layer*/, double /*elapsed_ms*/) {}
};

// Per-head norm statistics of one attention call (theory §1.5: R_QK, β, B_eff, zone).
struct HeadStats {
  AttentionSite site;
  int head = 0;
  int64_t queries = 0, keys = 0;
  attention::HeadNorms norms;
};

// HeadStats for the heads of one call (a QKᵀ per head: as costly as attention itself).
std::vector<HeadStats> head_stats(const AttentionCall& call);

// Records HeadStats of every attention call.
class NormStatsObserver : public Observer {
 public:
  void on_attention(const AttentionCall& call, const attention::Result&) override;
  const std::vector<HeadStats>& stats() const { return stats_; }
  void clear() { stats_.clear(); }

 private:
  std::vector<HeadStats> stats_;
};

// Captures q, k and the attention probabilities of chosen (step, layer, row) calls. A
// step of -1 matches the teacher-forced pass; `row` is the batch row.
class AttentionCaptureObserver : public Observer {
 public:
  struct Key {
    int step, layer;
    int64_t row;
    bool operator<(const Key& o) const {
      return std::tie(step, layer, row) < std::tie(o.step, o.layer, o.row);
    }
  };
  struct Capture {
    Tensor q, k;   // (H, Lq, hd), (H, Lk, hd)
    Tensor probs;  // (H, Lq, Lk); masked entries 0
  };
  void watch(int step, int layer, int64_t row) { watched_[{step, layer, row}] = true; }
  ProbabilityRequest wants_probabilities(const AttentionSite& site) override;
  void on_attention(const AttentionCall& call, const attention::Result& result) override;
  // The capture of a watched call; throws vs::Error if that call never ran.
  const Capture& capture(int step, int layer, int64_t row) const;

 private:
  std::map<Key, bool> watched_;
  std::map<Key, Capture> captures_;
};

// Sums elapsed milliseconds per (part, step, layer).
class TimingObserver : public Observer {
 public:
  bool wants_timings() const override { return true; }
  void on_timing(Part part, int step, int layer, double elapsed_ms) override;
  double total_ms(Part part) const;
  double total_ms() const;

 private:
  std::map<std::tuple<Part, int, int>, double> elapsed_ms_;
};

}  // namespace vs::observe
