// The attention-variant interface. Every attention call in VARScope (VAR, FlowAR, the
// benchmarks, the GUI) goes through it, so a whole generation can swap exact softmax
// attention for an approximation (theory §6) by changing one spec string.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/attention/structure.h"
#include "core/tensor.h"

namespace vs::attention {

// Where a call sits in a model, for variants whose rule depends on it (window: widths per
// layer, head and query scale; acceleration.md §4, §8). Callers that do not know a field
// leave its default; the theory variants ignore all of it.
struct CallSite {
  int layer = -1;  // block index within its module; -1: unknown
  int scale = -1;  // scale index of the queries; -1: unknown or VAR's teacher-forced pass
  // A KV-cache step of VAR: the sides of the scales whose tokens the keys are, coarse to
  // fine (their squares sum to Lk; the queries are the last scale's). Empty elsewhere: a
  // block-causal structure carries its own sides.
  std::vector<int> key_sides;
};

struct Options {
  // Softmax scale applied to q·k; a negative value means 1/sqrt(d).
  float scale = -1.0f;
  // Capture the (approximate) attention probabilities of query rows
  // [prob_row_begin, prob_row_end) for every head. Off by default: nothing L x L is
  // materialised unless asked.
  bool capture_probs = false;
  int64_t prob_row_begin = 0;
  int64_t prob_row_end = 0;
  // Target relative error on exp for methods that choose a degree / warn (poly).
  double target_error = 1e-3;
  // Upper bound on scratch memory a variant may allocate (refuse above it).
  int64_t max_scratch_bytes = int64_t(8) << 30;
  CallSite site;
};

struct Result {
  Tensor out;    // (H, Lq, dv)
  Tensor probs;  // (H, prob_rows, Lk) when captured; masked entries are 0
  // Human-readable warnings (no speed-up possible, precision wall, ...). Core never prints.
  std::vector<std::string> warnings;
  // Diagnostics of the run, e.g. {"degree", 2}, {"rank", 45}, {"beta_bound", 0.7}.
  std::map<std::string, double> stats;
  // The same diagnostics as one line for people (poly: degree, form, rank, fitted interval
  // vs β̂, failed rows); empty where a variant has none.
  std::string summary;
};

class Variant {
 public:
  virtual ~Variant() = default;
  // Canonical spec string, e.g. "poly:degree=3:basis=chebyshev".
  virtual std::string spec() const = 0;
  // q: (H, Lq, d), k: (H, Lk, d), v: (H, Lk, dv). Throws vs::Error on bad shapes,
  // a structure that does not fit, or work that would exceed options.max_scratch_bytes.
  virtual Result run(const Tensor& q, const Tensor& k, const Tensor& v, const Structure& structure,
                     const Options& options) const = 0;
};

// Builds a variant from its spec string; an unknown name or parameter throws vs::Error
// whose message lists the valid specs.
std::unique_ptr<Variant> make_variant(const std::string& spec);
// The valid spec forms, one per line, for error and help messages.
std::string valid_variant_specs();

// Shared validation of the run() arguments (shapes, structure, probability rows).
// Returns {H, Lq, Lk, d, dv}.
struct Dims {
  int64_t heads, num_queries, num_keys, head_dim, value_dim;
};
Dims validate_inputs(const std::string& who, const Tensor& q, const Tensor& k, const Tensor& v,
                     const Structure& structure, const Options& options);
// The softmax scale options.scale resolves to for head dimension d.
float resolved_scale(const Options& options, int64_t head_dim);

}  // namespace vs::attention
