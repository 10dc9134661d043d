// Observers: what a model reports about itself while it runs. The models (VAR, FlowAR)
// call an observer once per attention call — one Site (module, kind, scale, Euler step,
// block, batch row) with all its heads — handing it q and k exactly as they enter the
// softmax, so an observer can
// measure the quantities of theory §2 (max|Q|, max|K|, β = max|logit|) and ask for the
// attention probabilities of that call. A model with no observer attached does none of
// this work: every hook sits behind `if (observer)`.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/attention/attention.h"
#include "core/attention/head_norms.h"
#include "core/attention/structure.h"
#include "core/tensor.h"

namespace vs::observe {

// Which network an attention call (or a timed part) belongs to.
enum class Module {
  kVar,      // VAR's transformer
  kAr,       // FlowAR's AR transformer (encoder blocks, then decoder blocks)
  kFlownet,  // FlowAR's flow-matching head, called once per Euler step
};
enum class AttentionKind { kSelf, kCross };
const char* module_name(Module module);  // "var", "ar", "flownet"
const char* attention_kind_name(AttentionKind kind);  // "self", "cross"

// Where an attention call or a timed part sits in a run: one shape for both families.
struct Site {
  Module module = Module::kVar;
  AttentionKind kind = AttentionKind::kSelf;
  int scale = -1;       // scale index; -1 for VAR's teacher-forced full pass
  int euler_step = -1;  // flownet: 0-based Euler step of the scale; -1 elsewhere
  int block = 0;        // block index within the module (AR: encoder blocks first);
                        // for timed parts outside the blocks, see Part
  int64_t row = 0;      // batch row; with CFG the conditional rows come first
  int64_t rows = 1;     // rows in the batch

  // A self-attention site outside the flownet's Euler steps (the transformers' calls).
  static Site at(Module module, int scale, int block, int64_t row = 0, int64_t rows = 1) {
    Site site;
    site.module = module, site.scale = scale, site.block = block, site.row = row, site.rows = rows;
    return site;
  }
};

// One attention call as the variant sees it.
struct AttentionCall {
  Site site;
  const Tensor& q;  // (H, Lq, hd) after l2-norm and scale_mul (VAR), i.e. softmax input
  const Tensor& k;  // (H, Lk, hd)
  float softmax_scale;  // logit = softmax_scale · q·k
  const attention::Structure& structure;
  const Tensor* v = nullptr;  // (H, Lk, dv): lets an observer rerun the call (e.g. exactly, to measure an approximation)
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
  virtual ProbabilityRequest wants_probabilities(const Site&) { return {}; }
  // After the call; result.probs is (H, rows, Lk) when probabilities were requested.
  virtual void on_attention(const AttentionCall&, const attention::Result&) {}
  // Whether the model should time its parts (a clock read per part per layer).
  virtual bool wants_timings() const { return false; }
  // site.row/rows are unused; block is −1 or the module's depth for parts outside blocks.
  virtual void on_timing(Part, const Site&, double /*elapsed_ms*/) {}
};

// Per-head norm statistics of one attention call (theory §1.5: R_QK, β, B_eff, zone).
struct HeadStats {
  Site site;
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

// Captures q, k and the attention probabilities of chosen calls, matched on every Site
// field but `rows`. A scale of -1 matches VAR's teacher-forced pass.
class AttentionCaptureObserver : public Observer {
 public:
  struct Key {
    Module module;
    AttentionKind kind;
    int scale, euler_step, block;
    int64_t row;
    explicit Key(const Site& s)
        : module(s.module), kind(s.kind), scale(s.scale), euler_step(s.euler_step), block(s.block), row(s.row) {}
    bool operator<(const Key& o) const {
      return std::tie(module, kind, scale, euler_step, block, row) <
             std::tie(o.module, o.kind, o.scale, o.euler_step, o.block, o.row);
    }
  };
  struct Capture {
    Tensor q, k;   // (H, Lq, hd), (H, Lk, hd)
    Tensor probs;  // (H, Lq, Lk); masked entries 0
  };
  void watch(const Site& site) { watched_.insert(Key(site)); }
  ProbabilityRequest wants_probabilities(const Site& site) override;
  void on_attention(const AttentionCall& call, const attention::Result& result) override;
  // The capture of a watched call; throws vs::Error if that call never ran.
  const Capture& capture(const Site& site) const;

 private:
  std::set<Key> watched_;
  std::map<Key, Capture> captures_;
};

// Sums elapsed milliseconds per (module, part, scale, block).
class TimingObserver : public Observer {
 public:
  bool wants_timings() const override { return true; }
  void on_timing(Part part, const Site& site, double elapsed_ms) override;
  double total_ms(Part part) const;
  double total_ms() const;

 private:
  std::map<std::tuple<Module, Part, int, int>, double> elapsed_ms_;
};

}  // namespace vs::observe
