#include "core/attention/scaling_benchmark.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <random>

#include "core/attention/attention.h"
#include "core/attention/naive_reference.h"
#include "core/attention/pyramid.h"
#include "core/attention/random_inputs.h"
#include "core/error.h"

namespace vs::attention {

namespace {

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

// Above this many multiply-adds the float64 reference for exact is skipped.
constexpr double kReferenceBudget = 4e8;

}  // namespace

double loglog_slope(const std::vector<double>& x, const std::vector<double>& y) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int n = 0;
  for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
    if (!(x[i] > 0 && y[i] > 0)) continue;
    const double lx = std::log(x[i]), ly = std::log(y[i]);
    sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly, ++n;
  }
  const double den = n * sxx - sx * sx;
  return n < 2 || den == 0 ? NAN : (n * sxy - sx * sy) / den;
}

ScalingResult run_scaling_benchmark(
    const ScalingConfig& config,
    const std::function<void(int, int, const std::string&)>& progress,
    const std::function<void(const ScalingPoint&)>& on_point, const std::atomic<bool>* cancel) {
  if (config.sides.empty()) throw Error("bench attention: no sides given");
  if (config.head_dim < 1 || config.head_dim > 4096) throw Error("bench attention: head dim must be in [1, 4096]");
  if (config.heads < 1 || config.heads > 1024) throw Error("bench attention: heads must be in [1, 1024]");
  if (config.repeats < 1) throw Error("bench attention: repeats must be >= 1");
  if (!(config.bound > 0)) throw Error("bench attention: bound must be > 0");
  for (int side : config.sides)
    if (side < 1 || side > 512) throw Error("bench attention: side " + std::to_string(side) + " outside [1, 512]");
  std::vector<std::unique_ptr<Variant>> variants;
  for (const auto& spec : config.variants) variants.push_back(make_variant(spec));
  const auto exact = make_variant("exact");

  ScalingResult result;
  const int total = int(config.sides.size() * variants.size());
  int done = 0;
  std::mt19937_64 rng(config.seed);
  for (int side : config.sides) {
    const std::vector<int> sides = var_pyramid(side);
    const int64_t L = pyramid_tokens(sides);
    const Shape shape{config.heads, L, config.head_dim};
    const Tensor q = uniform_tensor(shape, config.bound, rng);
    const Tensor k = uniform_tensor(shape, config.bound, rng);
    const Tensor v = uniform_tensor(shape, config.bound, rng);
    const Structure structure = Structure::block_causal(sides);
    const Options options;

    std::vector<double> reference;  // exact output as the error yardstick
    {
      const Result r = exact->run(q, k, v, structure, options);
      reference.assign(r.out.data.begin(), r.out.data.end());
    }
    const double pair_cost = double(pyramid_allowed_pairs(sides)) * config.head_dim * config.heads;
    for (size_t vi = 0; vi < variants.size(); ++vi) {
      const auto& variant = variants[vi];
      const std::string& label = config.variants[vi];  // as the user wrote it
      if (cancel && cancel->load()) return result;
      if (progress)
        progress(done, total, "n=" + std::to_string(side) + " L=" + std::to_string(L) + " " + label);
      ScalingPoint point;
      point.variant = label;
      point.side = side;
      point.tokens = L;
      std::vector<double> times_ms;
      Result last;
      for (int rep = 0; rep <= config.repeats; ++rep) {  // rep 0 warms caches and is not timed
        const auto start = std::chrono::steady_clock::now();
        last = variant->run(q, k, v, structure, options);
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        if (rep > 0) times_ms.push_back(ms);
      }
      point.median_ms = median(times_ms);
      point.warnings = last.warnings;
      if (variant->spec() == "exact") {
        point.rel_error = NAN;
        if (pair_cost <= kReferenceBudget) {
          const NaiveResult naive = naive_attention(q, k, v, structure, resolved_scale(options, config.head_dim));
          point.rel_error = relative_frobenius_error(last.out.data, naive.out);
        }
      } else {
        point.rel_error = relative_frobenius_error(last.out.data, reference);
      }
      result.points.push_back(point);
      if (on_point) on_point(point);
      ++done;
    }
  }
  for (const auto& label : config.variants) {
    std::vector<double> xs, ys;
    for (const auto& p : result.points)
      if (p.variant == label) xs.push_back(p.side), ys.push_back(p.median_ms);
    result.slopes[label] = loglog_slope(xs, ys);
  }
  if (progress) progress(total, total, "done");
  return result;
}

}  // namespace vs::attention
