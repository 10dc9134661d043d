#include "core/var/token_sampling.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace vs::var {

namespace {
constexpr float kMinusInf = -std::numeric_limits<float>::infinity();
}  // namespace

double cfg_ramp(double cfg, int scale, int num_scales) {
  return num_scales > 1 ? cfg * double(scale) / double(num_scales - 1) : 0.0;
}

void cfg_mix(const float* cond, const float* uncond, float* guided, int64_t count, double t) {
  const float a = float(1.0 + t), b = float(t);
  for (int64_t i = 0; i < count; ++i) guided[i] = a * cond[i] - b * uncond[i];
}

void mask_top_k(float* logits, int64_t V, int k) {
  if (k <= 0 || k >= V) return;
  std::vector<float> values(logits, logits + V);
  std::nth_element(values.begin(), values.begin() + (k - 1), values.end(), std::greater<float>());
  const float threshold = values[k - 1];
  for (int64_t i = 0; i < V; ++i)
    if (logits[i] < threshold) logits[i] = kMinusInf;
}

void mask_top_p(float* logits, int64_t V, double p) {
  if (p <= 0 || V < 1) return;
  std::vector<int64_t> order(V);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return logits[a] < logits[b]; });
  const float max_logit = logits[order.back()];
  if (max_logit == kMinusInf) return;
  std::vector<float> probs(V);
  float sum = 0;
  for (int64_t i = 0; i < V; ++i) sum += (probs[i] = std::exp(logits[order[i]] - max_logit));
  const float limit = float(1.0 - p);
  float cumulative = 0;
  for (int64_t i = 0; i + 1 < V; ++i) {  // the last (largest) token always survives
    cumulative += probs[i] / sum;
    if (cumulative <= limit) logits[order[i]] = kMinusInf;
  }
}

int64_t draw_from_logits(const float* logits, int64_t V, double u) {
  const float max_logit = *std::max_element(logits, logits + V);
  std::vector<double> weights(V);
  double total = 0;
  for (int64_t i = 0; i < V; ++i)
    total += (weights[i] = logits[i] == kMinusInf ? 0.0 : std::exp(double(logits[i]) - max_logit));
  const double target = u * total;
  double cumulative = 0;
  int64_t last_positive = 0;
  for (int64_t i = 0; i < V; ++i) {
    if (weights[i] <= 0) continue;
    last_positive = i;
    cumulative += weights[i];
    if (cumulative > target) return i;
  }
  return last_positive;  // u·total rounded above the sum
}

double more_smooth_tau(double ratio) { return std::max(0.27 * (1.0 - 0.95 * ratio), 0.005); }

void gumbel_soft_embedding(const float* logits, int64_t V, double ratio, double tau, random::Rng& rng,
                           const float* codebook, int64_t cvae, float* out) {
  std::vector<double> w(V);
  double max_w = -std::numeric_limits<double>::infinity();
  for (int64_t i = 0; i < V; ++i) {
    const double g = rng.gumbel();
    w[i] = (double(logits[i]) * (1.0 + ratio) + g) / tau;
    max_w = std::max(max_w, w[i]);
  }
  double sum = 0;
  for (int64_t i = 0; i < V; ++i) sum += (w[i] = std::exp(w[i] - max_w));
  std::vector<double> acc(cvae, 0.0);
  for (int64_t i = 0; i < V; ++i) {
    if (w[i] == 0) continue;
    const double p = w[i] / sum;
    for (int64_t c = 0; c < cvae; ++c) acc[c] += p * codebook[i * cvae + c];
  }
  for (int64_t c = 0; c < cvae; ++c) out[c] = float(acc[c]);
}

}  // namespace vs::var
