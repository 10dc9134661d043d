#include "core/attention/scaling_benchmark.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>

#include "core/attention/attention.h"
#include "core/attention/cost_model.h"
#include "core/attention/gemm_rate.h"
#include "core/attention/naive_reference.h"
#include "core/attention/pyramid.h"
#include "core/attention/random_inputs.h"
#include "core/attention/spec_params.h"
#include "core/error.h"
#include "core/memory_budget.h"

namespace vs::attention {

namespace {

// Above this many multiply-adds the float64 reference for exact is skipped.
constexpr double kReferenceBudget = 4e8;

bool is_quadratic(const std::string& variant) {
  const std::string name = SpecParams(variant).name();
  return name == "exact" || name == "svd";
}

// Bytes one side of the sweep holds at once: q, k, v and the output (float), the exact
// reference (double), and the dense L×L matrices of svd (P and its two factors, double).
double side_bytes(const ScalingConfig& config, int side) {
  const std::vector<int> sides = family_pyramid(config.pyramid, side);
  const double L = double(pyramid_tokens(sides)), per_head = L * config.head_dim;
  double bytes = config.heads * per_head * (4.0 * 4 + 8);
  for (const auto& variant : config.variants)
    if (scaling_point_planned(config, variant, side) && SpecParams(variant).name() == "svd")
      bytes += config.heads * 3.0 * L * L * 8;
  return bytes;
}

std::string side_text(int side, int64_t tokens) {
  return "n=" + std::to_string(side) + " L=" + std::to_string(tokens);
}

}  // namespace

bool scaling_point_planned(const ScalingConfig& config, const std::string& variant, int side) {
  return !is_quadratic(variant) || side <= config.quadratic_max_side;
}

void validate_scaling_config(const ScalingConfig& config) {
  if (config.sides.empty()) throw Error("bench attention: no sides given");
  if (config.variants.empty()) throw Error("bench attention: no variants given");
  if (config.head_dim < 1 || config.head_dim > 4096) throw Error("bench attention: head dim must be in [1, 4096]");
  if (config.heads < 1 || config.heads > 1024) throw Error("bench attention: heads must be in [1, 1024]");
  if (config.timing.samples < 1 || config.timing.samples > 1000)
    throw Error("bench attention: samples must be in [1, 1000]");
  if (!(config.timing.min_sample_ms >= 0 && config.timing.min_sample_ms <= 10000))
    throw Error("bench attention: minimum sample length must be in [0, 10000] ms");
  if (!(config.bound > 0)) throw Error("bench attention: bound must be > 0");
  for (int side : config.sides) {
    if (side < 1 || side > kMaxScalingSide)
      throw Error("bench attention: side " + std::to_string(side) + " outside [1, " +
                  std::to_string(kMaxScalingSide) + "]");
    family_pyramid(config.pyramid, side);  // the family must exist at every side
  }
  for (const auto& spec : config.variants) make_variant(spec);
  for (int side : config.sides) {
    const int64_t tokens = pyramid_tokens(family_pyramid(config.pyramid, side));
    check_memory(side_bytes(config, side), "bench attention: " + side_text(side, tokens) +
                                               " (" + pyramid_family_spec(config.pyramid) + ", d=" +
                                               std::to_string(config.head_dim) + ", heads=" +
                                               std::to_string(config.heads) + ")");
  }
}

// Ten samples: the yardstick of every model curve, and one descheduled thread stalls a GEMM.
double measure_model_gemm_gflops(TimingClock clock) { return measure_gemm_gflops(512, 10, clock); }

ScalingResult run_scaling_benchmark(
    const ScalingConfig& config,
    const std::function<void(int, int, const std::string&)>& progress,
    const std::function<void(const ScalingPoint&)>& on_point, const std::atomic<bool>* cancel) {
  validate_scaling_config(config);
  std::vector<std::unique_ptr<Variant>> variants;
  for (const auto& spec : config.variants) variants.push_back(make_variant(spec));
  const auto exact = make_variant("exact");

  ScalingResult result;
  int total = 0;
  for (int side : config.sides)
    for (const auto& label : config.variants) total += scaling_point_planned(config, label, side);
  for (const auto& label : config.variants)
    if (config.sides.back() > config.quadratic_max_side && is_quadratic(label))
      result.notes.push_back(label + ": sides above " + std::to_string(config.quadratic_max_side) +
                             " skipped (quadratic in L, n⁴ in n)");
  if (progress) progress(0, total, "measuring this machine's GEMM rate");
  result.gemm_gflops = config.gemm_gflops > 0 ? config.gemm_gflops : measure_model_gemm_gflops(config.timing.clock);

  int done = 0;
  std::mt19937_64 rng(config.seed);
  Options options;
  options.max_scratch_bytes = std::min<int64_t>(options.max_scratch_bytes, memory_budget_bytes());
  for (int side : config.sides) {
    const std::vector<int> sides = family_pyramid(config.pyramid, side);
    const int64_t L = pyramid_tokens(sides);
    const Shape shape{config.heads, L, config.head_dim};
    const Tensor q = uniform_tensor(shape, config.bound, rng);
    const Tensor k = uniform_tensor(shape, config.bound, rng);
    const Tensor v = uniform_tensor(shape, config.bound, rng);
    const Structure structure = Structure::block_causal(sides);

    // Exact output as the error yardstick, where exact itself is measured at this side.
    Tensor reference;
    bool have_reference = false;
    if (side <= config.quadratic_max_side) {
      if (cancel && cancel->load()) return result;
      if (progress) progress(done, total, side_text(side, L) + " exact reference");
      reference = exact->run(q, k, v, structure, options).out;
      have_reference = true;
    }
    const double pair_cost = double(pyramid_allowed_pairs(sides)) * config.head_dim * config.heads;
    for (size_t vi = 0; vi < variants.size(); ++vi) {
      const auto& variant = variants[vi];
      const std::string& label = config.variants[vi];  // as the user wrote it
      if (!scaling_point_planned(config, label, side)) continue;
      if (cancel && cancel->load()) return result;
      if (progress) progress(done, total, side_text(side, L) + " " + label);
      ScalingPoint point;
      point.variant = label;
      point.side = side;
      point.tokens = L;
      Result last;
      point.timing = time_call([&] { last = variant->run(q, k, v, structure, options); }, config.timing);
      point.model_flops = variant_model_flops(label, sides, config.head_dim, config.heads);
      point.model_ms = point.model_flops / (result.gemm_gflops * 1e6);
      point.warnings = last.warnings;
      point.rel_error = NAN;
      if (variant->spec() == "exact") {
        if (pair_cost <= kReferenceBudget) {
          const NaiveResult naive = naive_attention(q, k, v, structure, resolved_scale(options, config.head_dim));
          point.rel_error = relative_frobenius_error(last.out.data, naive.out);
        }
      } else if (have_reference) {
        point.rel_error = relative_frobenius_error(last.out, reference);
      }
      result.points.push_back(point);
      if (on_point) on_point(point);
      ++done;
    }
  }
  if (progress) progress(total, total, "done");
  return result;
}

}  // namespace vs::attention
