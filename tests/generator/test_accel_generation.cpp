// Acceleration methods through the Generator, over both shipped models (issue 15): the
// null setting of every method reproduces the exact run bit for bit; a real setting does
// less work (fewer scales, attention calls or Euler steps) and still gives a finite image.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>

#include "core/error.h"
#include "core/generator/describe.h"
#include "core/generator/generator.h"
#include "tests/support/error_message.h"

namespace {

using vs::gen::Generator;
using vs::gen::SampleResult;
using vs::gen::SamplingRequest;

const Generator& shipped(const std::string& name) {
  static std::map<std::string, std::unique_ptr<Generator>> cache;
  auto& g = cache[name];
  if (!g) g = vs::gen::open_generator(name);
  return *g;
}

// Counts the work a run does.
class WorkCounter : public vs::gen::GenerationObserver {
 public:
  bool on_scale(const vs::gen::ScaleEvent&) override {
    ++scales;
    return true;
  }
  void on_step(const vs::gen::StepEvent&) override { ++steps; }
  void on_attention(const vs::observe::AttentionCall& call, const vs::attention::Result&) override {
    ++attention_calls;
    attention_pairs += call.q.dim(0) * call.q.dim(1) * call.k.dim(1);
  }
  int scales = 0, steps = 0;
  int64_t attention_calls = 0, attention_pairs = 0;
};

class Accel : public ::testing::TestWithParam<std::string> {
 protected:
  const Generator& g() const { return shipped(GetParam()); }
  int K() const { return g().info().num_scales(); }
  bool flowar() const { return g().info().family == vs::gen::Family::kFlowAr; }
  SamplingRequest request(const std::string& accel = "none") const {
    SamplingRequest r = g().default_request();
    r.labels = {2, 7};
    r.seed = 5;
    r.accel = accel;
    if (auto* flow = std::get_if<vs::gen::FlowArExtra>(&r.extra)) flow->steps = 6;  // short runs
    return r;
  }
  SampleResult run(const std::string& accel, WorkCounter* counter = nullptr) const {
    return g().sample(request(accel), counter);
  }
  const SampleResult& exact() const {
    static std::map<std::string, SampleResult> cache;
    auto it = cache.find(GetParam());
    if (it == cache.end()) it = cache.emplace(GetParam(), run("none")).first;
    return it->second;
  }
  // Same image, same codes at every scale, bit for bit.
  void expect_exact(const SampleResult& result, const std::string& accel) const {
    const SampleResult& base = exact();
    ASSERT_EQ(result.scales_done, base.scales_done) << accel;
    EXPECT_EQ(result.image01.shape, base.image01.shape) << accel;
    EXPECT_TRUE(result.image01.data == base.image01.data) << accel << ": the image differs from the exact run";
    for (int k = 0; k < base.scales_done; ++k) {
      EXPECT_EQ(result.pyramid[k].ids, base.pyramid[k].ids) << accel << " scale " << k;
      EXPECT_TRUE(result.pyramid[k].latent.data == base.pyramid[k].latent.data) << accel << " scale " << k;
    }
  }
  static void expect_finite_image(const SampleResult& result) {
    ASSERT_EQ(result.image01.shape, (vs::Shape{2, 3, 32, 32}));
    for (float x : result.image01.data) ASSERT_TRUE(std::isfinite(x));
  }
};

TEST_P(Accel, SkipAfterTheLastScaleIsTheExactRun) {
  expect_exact(run("skip:after=" + std::to_string(K() - 1)), "skip after the last scale");
  expect_exact(run("skip:after=-1"), "skip:after=-1");
}

TEST_P(Accel, CfgDropFromBeyondTheLastScaleIsTheExactRun) {
  expect_exact(run("cfg-drop:from=" + std::to_string(K())), "cfg-drop beyond the last scale");
  if (flowar()) expect_exact(run("cfg-drop:from=" + std::to_string(K()) + ":guidance=1"), "full guidance interval");
}

TEST_P(Accel, FullStepsAreTheExactRun) {
  if (!flowar()) GTEST_SKIP() << "VAR has no Euler steps";
  expect_exact(run("steps:n=6"), "steps:n=6");
  std::string per = "steps:per=6";
  for (int k = 1; k < K(); ++k) per += ",6";
  expect_exact(run(per), per);
}

TEST_P(Accel, NullSettingsTogetherAreTheExactRun) {
  const std::string K_text = std::to_string(K());
  expect_exact(run("skip:after=-1+cfg-drop:from=" + K_text + (flowar() ? "+steps:n=6" : "")), "all null");
}

TEST_P(Accel, SkipStopsEarlyAndDecodesTheCoarserCode) {
  WorkCounter exact_work, skip_work;
  g().sample(request(), &exact_work);
  const int after = K() - 3;
  const SampleResult skipped = run("skip:after=" + std::to_string(after), &skip_work);
  EXPECT_EQ(exact_work.scales, K());
  EXPECT_EQ(skip_work.scales, after + 1);
  EXPECT_LT(skip_work.attention_calls, exact_work.attention_calls);
  EXPECT_FALSE(skipped.cancelled);
  EXPECT_EQ(skipped.scales_done, after + 1);
  expect_finite_image(skipped);
  // The scales it ran are the exact run's, so its image is the exact run's preview there.
  EXPECT_TRUE(skipped.image01.data == g().decode_scale(exact().pyramid, after).data);
  EXPECT_FALSE(skipped.image01.data == exact().image01.data);
}

TEST_P(Accel, CfgDropRunsFewerAttentionCallsAndKeepsTheEarlierScales) {
  WorkCounter exact_work, drop_work;
  g().sample(request(), &exact_work);
  const int from = K() - 2;
  const SampleResult dropped = run("cfg-drop:from=" + std::to_string(from), &drop_work);
  EXPECT_EQ(drop_work.scales, K());
  EXPECT_LT(drop_work.attention_calls, exact_work.attention_calls);
  expect_finite_image(dropped);
  for (int k = 0; k < from; ++k) {
    EXPECT_EQ(dropped.pyramid[k].ids, exact().pyramid[k].ids) << "scale " << k;
    EXPECT_TRUE(dropped.pyramid[k].latent.data == exact().pyramid[k].latent.data) << "scale " << k;
  }
  EXPECT_FALSE(dropped.image01.data == exact().image01.data);  // unguided last scales
}

TEST_P(Accel, CfgDropFromTheFirstScaleWorks) {
  WorkCounter exact_work, drop_work;
  g().sample(request(), &exact_work);
  expect_finite_image(g().sample(request("cfg-drop:from=0"), &drop_work));
  EXPECT_LT(drop_work.attention_calls, exact_work.attention_calls);
  // VAR runs every row through every attention call: no null rows, half the calls.
  if (!flowar()) {
    EXPECT_EQ(2 * drop_work.attention_calls, exact_work.attention_calls);
  }
}

TEST_P(Accel, FewerEulerStepsRunFewerSteps) {
  if (!flowar()) GTEST_SKIP() << "VAR has no Euler steps";
  WorkCounter exact_work, fewer_work, per_scale_work;
  g().sample(request(), &exact_work);
  const SampleResult fewer = g().sample(request("steps:n=4"), &fewer_work);
  std::string per = "steps:per=";
  for (int k = 0; k + 1 < K(); ++k) per += "6,";
  g().sample(request(per + "2"), &per_scale_work);
  // An even n is n evaluations on the two-piece grid (time_grid.h).
  EXPECT_EQ(exact_work.steps, 6 * K());
  EXPECT_EQ(fewer_work.steps, 4 * K());
  EXPECT_EQ(per_scale_work.steps, 6 * (K() - 1) + 2);
  EXPECT_LT(fewer_work.attention_calls, exact_work.attention_calls);
  expect_finite_image(fewer);
  EXPECT_FALSE(fewer.image01.data == exact().image01.data);
}

TEST_P(Accel, NarrowerGuidanceIntervalRunsFewerAttentionCalls) {
  if (!flowar()) GTEST_SKIP() << "VAR has no guidance interval";
  WorkCounter exact_work, narrow_work;
  g().sample(request(), &exact_work);
  expect_finite_image(g().sample(request("cfg-drop:from=" + std::to_string(K()) + ":guidance=0.2"), &narrow_work));
  EXPECT_LT(narrow_work.attention_calls, exact_work.attention_calls);
}

TEST_P(Accel, CombinesWithAnAttentionVariant) {
  SamplingRequest r = request("skip:after=-2");
  r.attention = "svd:rank=4";
  WorkCounter work;
  const SampleResult result = g().sample(r, &work);
  EXPECT_EQ(work.scales, K() - 1);
  expect_finite_image(result);
  EXPECT_NE(vs::gen::describe_request(r).find("attention svd:rank=4, accel skip:after=-2"), std::string::npos)
      << vs::gen::describe_request(r);
  EXPECT_EQ(vs::gen::describe_request(request()).find("accel"), std::string::npos);
}

TEST_P(Accel, BadSpecsAreRefusedBeforeAnyWork) {
  WorkCounter work;
  for (const std::string& bad : {std::string("warp"), "skip:after=" + std::to_string(K()), std::string("cfg-drop:from=99")}) {
    const std::string message = vs::test::message_of([&] { g().sample(request(bad), &work); });
    EXPECT_NE(message.find("acceleration '" + bad + "'"), std::string::npos) << message;
  }
  if (!flowar()) {
    const std::string message = vs::test::message_of([&] { g().sample(request("steps:n=4"), &work); });
    EXPECT_NE(message.find("VAR has no Euler steps"), std::string::npos) << message;
  }
  EXPECT_EQ(work.scales, 0);
}

TEST_P(Accel, FastVarPruningNothingIsTheExactRun) {
  if (flowar()) GTEST_SKIP() << "FastVAR is ported to VAR only";
  expect_exact(run("fastvar:prune=6@0,8@0"), "fastvar share 0");
  // ⌊64 · 0.01⌋ = 0: the pruning state exists, caches the branch outputs, prunes no token.
  expect_exact(run("fastvar:cache=5:prune=8@0.01"), "fastvar share below one token");
}

TEST_P(Accel, FastVarPrunesTheLastScalesAndRecordsTheKeptTokens) {
  if (flowar()) {
    EXPECT_NE(vs::test::message_of([&] { run("fastvar"); }).find("FlowAR has no port of it yet"), std::string::npos);
    return;
  }
  WorkCounter exact_work, fastvar_work;
  g().sample(request(), &exact_work);
  const SampleResult pruned = run("fastvar", &fastvar_work);  // cache side 5, prune 6@0.4 and 8@0.5
  EXPECT_EQ(fastvar_work.attention_calls, exact_work.attention_calls);
  EXPECT_LT(fastvar_work.attention_pairs, exact_work.attention_pairs);
  expect_finite_image(pruned);
  for (int k = 0; k < 5; ++k) {
    EXPECT_EQ(pruned.pyramid[k].ids, exact().pyramid[k].ids) << "scale " << k;
    EXPECT_TRUE(pruned.pyramid[k].kept.empty()) << "scale " << k;
  }
  // Every pruned sub-layer keeps n − ⌊n·share⌋ tokens: the shares average to that over n.
  const std::pair<int, double> expected[] = {{5, (36 - 14) / 36.0}, {6, 32 / 64.0}};
  for (const auto& [k, mean_kept] : expected) {
    const std::vector<float>& kept = pruned.pyramid[k].kept;
    ASSERT_EQ(kept.size(), size_t(g().info().scales[k] * g().info().scales[k])) << "scale " << k;
    double mean = 0;
    for (float share : kept) {
      EXPECT_GE(share, 0.0f);
      EXPECT_LE(share, 1.0f);
      mean += share;
    }
    EXPECT_NEAR(mean / kept.size(), mean_kept, 1e-5) << "scale " << k;
  }
}

INSTANTIATE_TEST_SUITE_P(Shipped, Accel, ::testing::Values("fmnist-var", "fmnist-flowar"),
                         [](const auto& info) { return info.param == "fmnist-var" ? "Var" : "FlowAr"; });

}  // namespace
