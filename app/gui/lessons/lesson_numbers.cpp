#include "app/gui/lessons/lesson_numbers.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/attention/pyramid.h"
#include "core/theory/rank.h"
#include "core/theory/threshold.h"

namespace vs::gui::lessons {

std::string format_count(double value) {
  if (!std::isfinite(value)) return "…";
  if (std::fabs(value) >= 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2e", value);
    return buf;
  }
  const bool negative = value < 0;
  std::string digits = std::to_string(static_cast<long long>(std::llround(std::fabs(value))));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return negative ? "-" + out : out;
}

std::string format_fixed(double value, int decimals) {
  if (!std::isfinite(value)) return "…";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::string format_small(double value) {
  if (!std::isfinite(value)) return "…";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1e", value);
  return buf;
}

std::vector<ScalePairs> scale_pairs(const std::vector<int>& sides) {
  std::vector<ScalePairs> rows;
  int64_t keys = 0;
  for (int side : sides) {
    const int64_t tokens = int64_t(side) * side;
    keys += tokens;
    rows.push_back({side, tokens, keys, tokens * keys});
  }
  return rows;
}

Values pyramid_values(const std::vector<int>& sides) {
  Values v;
  if (sides.empty()) return v;
  const std::vector<ScalePairs> rows = scale_pairs(sides);
  const double tokens = double(attention::pyramid_tokens(sides));
  const double allowed = double(attention::pyramid_allowed_pairs(sides));
  double recompute = 0;
  for (const ScalePairs& r : rows) recompute += double(r.keys) * double(r.keys);
  const int n = sides.back();
  v["scales"] = attention::pyramid_to_string(sides);
  v["num_scales"] = std::to_string(sides.size());
  v["final_side"] = std::to_string(n);
  v["tokens_total"] = format_count(tokens);
  v["tokens_last"] = format_count(double(n) * n);
  v["ratio_L_n2"] = format_fixed(tokens / (double(n) * n), 2);
  v["pairs_allowed"] = v["pairs_kv"] = format_count(allowed);
  v["pairs_recompute"] = format_count(recompute);
  v["pairs_full"] = format_count(tokens * tokens);
  v["allowed_percent"] = format_fixed(100.0 * allowed / (tokens * tokens), 1);
  v["last_percent"] = format_fixed(100.0 * double(n) * n / tokens, 1);
  v["last_scale_share"] = format_fixed(100.0 * double(rows.back().cached_pairs) / allowed, 1);
  return v;
}

Values polynomial_values(int64_t tokens, int head_dim, double beta, double epsilon) {
  Values v;
  const theory::ThresholdReport r = theory::threshold_report(tokens, head_dim, beta, epsilon);
  v["beta"] = format_fixed(beta, beta < 1 ? 2 : 1);
  v["epsilon"] = format_small(epsilon);
  v["head_dim"] = std::to_string(head_dim);
  v["threshold"] = format_fixed(r.threshold, 2);
  if (r.taylor.degree >= 0) v["taylor_degree"] = std::to_string(r.taylor.degree);
  if (r.chebyshev.degree < 0) return v;
  v["cheb_degree"] = std::to_string(r.chebyshev.degree);
  v["cheb_rank"] = format_count(r.chebyshev.rank);
  const double speedup = r.chebyshev.speedup;
  v["speedup"] = (speedup >= 10 ? format_fixed(speedup, 0) : speedup >= 0.01 ? format_fixed(speedup, 2) : format_small(speedup)) + "×";
  v["speedup_verdict"] = r.chebyshev.speedup > 1 ? "the method wins, by the rank's margin"
                                                 : "no: the rank exceeds the token count, exact attention is cheaper";
  const double o1 = std::log(r.chebyshev.rank) / std::log(double(tokens));
  v["o1_at_L"] = format_fixed(o1, 2);
  v["exponent_at_L"] = format_fixed(1 + o1, 2);
  v["exponent_at_million"] = format_fixed(1 + std::log(r.chebyshev.rank) / std::log(1e6), 2);
  return v;
}

Values zone_values(int64_t tokens) {
  Values v;
  v["threshold"] = format_fixed(theory::log_threshold(tokens), 2);
  v["zone_fast_below"] = format_fixed(theory::kZoneFastBelow, 1);
  v["zone_hard_from"] = format_fixed(theory::kZoneHardFrom, 1);
  const struct {
    const char* suffix;
    double beta;
  } cases[] = {{"b025", 0.25}, {"b1", 1.0}, {"b9", 9.0}};
  for (const auto& c : cases) {
    v[std::string("beta_") + c.suffix] = format_fixed(c.beta, c.beta < 1 ? 2 : 0);
    const double x = theory::threshold_ratio(c.beta, tokens);
    v[std::string("ratio_") + c.suffix] = format_fixed(x, 2);
    v[std::string("zone_") + c.suffix] = theory::zone_name(theory::zone_for_ratio(x));
  }
  return v;
}

Values head_zone_values(const std::vector<observe::HeadStats>& stats) {
  Values v;
  // The real VAR-256 pyramid the text compares with (theory §1.2).
  const int64_t var256 = attention::pyramid_tokens(attention::var_pyramid(16));
  v["var256_tokens"] = format_count(double(var256));
  v["var256_ln_L"] = format_fixed(std::log(double(var256)), 1);
  int zones[3] = {0, 0, 0};
  int total = 0;
  double beta_max = 0, ratio_max = 0;
  int64_t keys = 0;
  for (const observe::HeadStats& s : stats) {
    const int zone = s.norms.zone == theory::Zone::kProvablyFast ? 0
                     : s.norms.zone == theory::Zone::kGreyBand   ? 1
                     : s.norms.zone == theory::Zone::kSethHard   ? 2
                                                                 : -1;
    if (zone < 0) continue;
    ++zones[zone], ++total;
    beta_max = std::max(beta_max, s.norms.beta);
    if (std::isfinite(s.norms.ratio)) ratio_max = std::max(ratio_max, s.norms.ratio);
    keys = std::max(keys, s.keys);
  }
  v["heads_total"] = std::to_string(total);
  if (total == 0) return v;
  v["heads_zone1"] = std::to_string(zones[0]);
  v["heads_zone2"] = std::to_string(zones[1]);
  v["heads_zone3"] = std::to_string(zones[2]);
  v["beta_max"] = format_fixed(beta_max, 2);
  v["ratio_max"] = format_fixed(ratio_max, 2);
  v["keys_checked"] = format_count(double(keys));
  const int best = int(std::max_element(zones, zones + 3) - zones);
  v["majority_zone"] = theory::zone_name(best == 0   ? theory::Zone::kProvablyFast
                                         : best == 1 ? theory::Zone::kGreyBand
                                                     : theory::Zone::kSethHard);
  return v;
}

Values flowar_values(const std::vector<int>& sides, int euler_steps) {
  Values v;
  if (sides.empty()) return v;
  double per_step = 0, ar = 0;
  for (const ScalePairs& r : scale_pairs(sides)) {
    per_step += double(r.tokens) * double(r.tokens);
    ar += double(r.cached_pairs);
  }
  v["flowar_scales"] = attention::pyramid_to_string(sides);
  v["flowar_num_scales"] = std::to_string(sides.size());
  v["flowar_tokens"] = format_count(double(attention::pyramid_tokens(sides)));
  v["euler_steps"] = std::to_string(euler_steps);
  v["flowar_pairs_step"] = format_count(per_step);
  v["flowar_pairs_all"] = format_count(per_step * euler_steps);
  v["flowar_pairs_ar"] = format_count(ar);
  return v;
}

DepthBudget depth_budget(const gen::ModelInfo& info, int euler_steps) {
  // Primitive levels (theory §4): d_std, d_⊕, d_exp, d_sqrt, each counted as one.
  const int std_ = 1, sum = 1, exp_ = 1, sqrt_ = 1;
  const int product = std_ + sum;
  DepthBudget b;
  b.rows = {
      {"Q, K, V projection, then output projection", "2(d_std+d_⊕)", 2 * product, 1},
      {"attention scores: QK⊤, exp, row sums, divide, ·V", "2(d_std+d_⊕)+d_exp+d_std", 2 * product + exp_ + std_, 1},
      {"LayerNorm: mean, variance, √, divide (two per block)", "d_⊕+d_std+d_sqrt+d_std", sum + 2 * std_ + sqrt_, 2},
      {"MLP: two matrix products and the activation", "2(d_std+d_⊕)+d_exp", 2 * product + exp_, 1},
      {"residual additions", "d_std", std_, 2},
      {"sampling: logits, top-k comparisons, lookup", "d_std+d_⊕", product, 0},
      {"up-interpolation to the next scale (fixed 4×4 weights)", "d_std+d_⊕", product, 0},
  };
  for (const DepthRow& r : b.rows) (r.per_block > 0 ? b.per_block : b.per_scale) += r.levels * std::max(r.per_block, 1);
  for (const gen::ModuleInfo& m : info.modules) {
    if (m.module == observe::Module::kFlownet) {
      // Every Euler step runs the whole flow head; a cross-attention adds one more
      // projection + attention-score stack per block.
      const int extra_cross = m.cross ? 2 * product + (2 * product + exp_ + std_) : 0;
      b.per_scale += euler_steps * m.blocks * (b.per_block + extra_cross);
    } else {
      b.blocks += m.blocks;
    }
  }
  b.scales = info.num_scales();
  b.total = int64_t(b.scales) * (int64_t(b.blocks) * b.per_block + b.per_scale);
  return b;
}

Values depth_values(const gen::ModelInfo& info, int euler_steps) {
  Values v;
  const DepthBudget b = depth_budget(info, euler_steps);
  v["depth_per_block"] = std::to_string(b.per_block);
  v["blocks"] = std::to_string(b.blocks);
  v["num_scales"] = std::to_string(b.scales);
  v["depth_total"] = format_count(double(b.total));
  gen::ModelInfo doubled = info;
  for (gen::ModuleInfo& m : doubled.modules) m.blocks *= 2;
  v["depth_double_layers"] = format_count(double(depth_budget(doubled, euler_steps).total));
  gen::ModelInfo wider = info;
  for (int& s : wider.scales) s *= 2;  // the same schedule with every side doubled
  v["depth_double_side"] = format_count(double(depth_budget(wider, euler_steps).total));
  v["steps_factor"] = info.family == gen::Family::kFlowAr
                          ? " (the flow head's blocks × " + std::to_string(euler_steps) + " Euler steps per scale)"
                          : " (VAR takes no Euler steps)";
  return v;
}

}  // namespace vs::gui::lessons
