// The runtime-scaling experiment behind `varscope-cli bench attention` and the explorer's
// runtime-scaling panel: for each final side n, the pyramid of one explicitly chosen
// family (pyramid_family.h), random Q/K/V with entries uniform in [-bound, bound],
// block-causal attention with each variant timed under the one timing protocol
// (core/timing_protocol.h), its error against exact, and the cost model's prediction
// (cost_model.h) at this machine's measured GEMM rate. Slopes: scaling_fits.h.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/attention/pyramid_family.h"
#include "core/timing_protocol.h"

namespace vs::attention {

// Quadratic variants (exact, svd) are measured up to this side by default: exact at
// n = 256 already takes seconds per call, n⁴ makes n = 512 sixteen times longer.
constexpr int kDefaultQuadraticMaxSide = 256;
constexpr int kMaxScalingSide = 16384;

struct ScalingConfig {
  std::vector<int> sides{16, 24, 32, 48, 64, 96, 128};
  PyramidFamily pyramid;  // geometric, 10 scales
  int head_dim = 8;
  int heads = 1;
  double bound = 0.5;
  std::vector<std::string> variants{"exact", "poly:degree=2", "performer:features=64",
                                    "nystrom:landmarks=32"};
  TimingProtocol timing;
  int quadratic_max_side = kDefaultQuadraticMaxSide;  // exact and svd skip larger sides
  // The rate the cost model is scaled by; <= 0: measured at the start of the run.
  double gemm_gflops = 0;
  uint64_t seed = 1;
};

struct ScalingPoint {
  std::string variant;
  int side = 0;
  int64_t tokens = 0;
  Timing timing;           // per call: min (the estimate), median, spread, repeats, threads
  double model_flops = 0;  // cost_model.h
  double model_ms = 0;     // model_flops at the run's GEMM rate
  // ‖O − O_exact‖_F / ‖O_exact‖_F. For exact itself: against a float64 reference when
  // that is affordable. NaN where no reference was affordable.
  double rel_error = 0;
  std::vector<std::string> warnings;
};

struct ScalingResult {
  std::vector<ScalingPoint> points;
  double gemm_gflops = 0;
  std::vector<std::string> notes;  // sides skipped and why
};

// Checks the whole sweep before any work: sides in [1, kMaxScalingSide], the pyramid
// family defined for every side, variant specs, and the memory of the largest side
// (q, k, v, the output and the reference, plus the variant's own dense matrices) against
// the memory budget (core/memory_budget.h). Throws vs::Error with one line naming what.
void validate_scaling_config(const ScalingConfig& config);

// Whether `variant` is measured at `side` (quadratic variants stop at quadratic_max_side).
bool scaling_point_planned(const ScalingConfig& config, const std::string& variant, int side);

// The GEMM rate the cost model uses: a 512³ float32 GEMM under the timing protocol (10
// samples) on the sweep's clock, so model and measured times are on the same clock.
double measure_model_gemm_gflops(TimingClock clock);

// Progress: called before each measurement with (done, total, description). Setting
// *cancel (checked between measurements) cancels; the partial result is returned. A bad configuration throws vs::Error before any work starts.
ScalingResult run_scaling_benchmark(
    const ScalingConfig& config,
    const std::function<void(int done, int total, const std::string& what)>& progress = {},
    const std::function<void(const ScalingPoint&)>& on_point = {},
    const std::atomic<bool>* cancel = nullptr);

}  // namespace vs::attention
