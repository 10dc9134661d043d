// The runtime-scaling experiment behind `varscope-cli bench attention` and the GUI's
// live log-log plot: for each final side n, VAR pyramid, random Q/K/V with entries
// uniform in [-bound, bound], block-causal attention with each variant; median time and
// error against exact; least-squares slope of log time against log n per variant.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace vs::attention {

struct ScalingConfig {
  std::vector<int> sides{8, 16, 24, 32, 48, 64};
  int head_dim = 8;
  int heads = 1;
  double bound = 0.5;
  std::vector<std::string> variants{"exact", "poly:degree=2", "performer:features=64",
                                    "nystrom:landmarks=32"};
  int repeats = 5;
  uint64_t seed = 1;
};

struct ScalingPoint {
  std::string variant;
  int side = 0;
  int64_t tokens = 0;
  double median_ms = 0;
  // ‖O − O_exact‖_F / ‖O_exact‖_F. For exact itself: against a float64 reference when
  // that is affordable, NaN otherwise.
  double rel_error = 0;
  std::vector<std::string> warnings;
};

struct ScalingResult {
  std::vector<ScalingPoint> points;
  std::map<std::string, double> slopes;  // variant -> d log(ms) / d log(n)
};

// Least-squares slope of log y against log x (NaN with fewer than two points).
double loglog_slope(const std::vector<double>& x, const std::vector<double>& y);

// Progress: called before each measurement with (done, total, description). Returning
// false from `keep_going` (checked between measurements) cancels; the partial result is
// returned. A bad variant spec throws vs::Error before any work starts.
ScalingResult run_scaling_benchmark(
    const ScalingConfig& config,
    const std::function<void(int done, int total, const std::string& what)>& progress = {},
    const std::function<void(const ScalingPoint&)>& on_point = {},
    const std::atomic<bool>* cancel = nullptr);

}  // namespace vs::attention
