// The bounded-entry criterion over a model: maxima aggregated over calls, B_eff/√(ln L),
// zone and degree as the theory computes them, the per-scale histogram and the verdict —
// on hand-made calls with known answers, and on the shipped fmnist-var.
#include "core/observe/criterion.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "core/generator/generator.h"

namespace vs::observe {
namespace {

// One self-attention call of one head, 4 tokens, d = 1, every q entry a and k entry b:
// β = a·b (plain structure, softmax scale 1).
void feed(CriterionObserver& observer, int scale, float a, float b) {
  Tensor q({1, 4, 1}), k({1, 4, 1});
  for (float& x : q.data) x = a;
  for (float& x : k.data) x = b;
  const attention::Structure structure = attention::Structure::plain();
  const AttentionCall call{Site::at(Module::kVar, scale, 0), q, k, 1.0f, structure};
  observer.on_attention(call, attention::Result{});
}

TEST(Criterion, MaximaOverCallsGiveTheZoneAndDegree) {
  CriterionObserver observer;
  feed(observer, 0, 0.5f, 0.5f);
  feed(observer, 0, 1.0f, 0.25f);  // larger q, smaller k: the maxima come from different calls
  feed(observer, 1, 3.0f, 3.0f);
  const auto rows = observer.rows(1e-3);
  ASSERT_EQ(rows.size(), 2u);
  const HeadCriterion& calm = rows[0];
  EXPECT_EQ(calm.calls, 2);
  EXPECT_EQ(calm.keys, 4);
  EXPECT_DOUBLE_EQ(calm.max_abs_q, 1.0);
  EXPECT_DOUBLE_EQ(calm.max_abs_k, 0.5);
  EXPECT_DOUBLE_EQ(calm.beta, 0.25);  // max over calls of β, not max|q|·max|k|
  EXPECT_NEAR(calm.ratio, 0.5 / std::sqrt(std::log(4.0)), 1e-12);
  EXPECT_EQ(calm.zone, theory::Zone::kProvablyFast);
  const auto report = theory::threshold_report(4, 1, 0.25, 1e-3);
  EXPECT_EQ(calm.chebyshev_degree, report.chebyshev.degree);
  EXPECT_EQ(calm.taylor_degree, report.taylor.degree);
  EXPECT_EQ(rows[1].zone, theory::Zone::kSethHard);  // β = 9: √9 / √ln 4 ≈ 2.5

  const auto histogram = zone_histogram(rows);
  ASSERT_EQ(histogram.size(), 2u);
  EXPECT_EQ(histogram[0].heads[size_t(theory::Zone::kProvablyFast)], 1);
  EXPECT_EQ(histogram[1].heads[size_t(theory::Zone::kSethHard)], 1);
  const std::string verdict = criterion_verdict(rows, 1e-3);
  EXPECT_NE(verdict.find("1 of 2 head-scales are in the provably fast zone"), std::string::npos) << verdict;
  EXPECT_NE(verdict.find("1 SETH-hard"), std::string::npos) << verdict;
  EXPECT_THROW(observer.rows(0.0), Error);
}

TEST(Criterion, EveryHeadOfTheShippedVarIsClassified) {
  const auto generator = gen::open_generator("fmnist-var");
  const gen::ModelInfo& info = generator->info();
  gen::SamplingRequest request = generator->default_request();
  request.labels = {0, 1};
  request.decode_final = false;
  struct Forward : gen::GenerationObserver {
    CriterionObserver criterion;
    void on_attention(const AttentionCall& call, const attention::Result& result) override {
      criterion.on_attention(call, result);
    }
  } forward;
  generator->sample(request, &forward);
  const auto rows = forward.criterion.rows(1e-3);
  const gen::ModuleInfo& module = info.modules.front();
  ASSERT_EQ(rows.size(), size_t(info.num_scales() * module.blocks * module.heads));
  int64_t keys = 0;
  for (const auto& r : rows) {
    EXPECT_GE(r.calls, 2) << "two images (CFG doubles the rows)";
    EXPECT_GE(r.keys, keys);  // later scales see more keys
    keys = r.keys;
    EXPECT_GT(r.beta, 0.0);
    EXPECT_EQ(r.zone, r.keys < 2 ? theory::Zone::kUndefined : theory::zone_for_ratio(r.ratio));
  }
  int heads = 0;
  for (const auto& h : zone_histogram(rows))
    for (int count : h.heads) heads += count;
  EXPECT_EQ(heads, int(rows.size()));
  EXPECT_NE(criterion_verdict(rows, 1e-3).find(" of " + std::to_string(rows.size()) + " head-scales"),
            std::string::npos);
}

}  // namespace
}  // namespace vs::observe
