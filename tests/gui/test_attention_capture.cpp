// The inspector's capture for both families: replaying a run's own scales as the prefix up
// to scale k gives exactly the attention the run computed there (checked against an
// observer attached to the full run) for every module and kind — VAR's transformer,
// FlowAR's AR transformer and flownet (self and cross, at an Euler step) — with rows
// summing to 1, block-causal keys for the transformers and the scale's own tokens for the
// flownet; a site the run never reached is an error naming it.
#include <gtest/gtest.h>

#include <cmath>

#include "app/gui/session/attention_capture.h"
#include "core/error.h"
#include "core/generator/generator.h"
#include "tests/support/shipped_generator.h"

using namespace vs::gui;
using vs::observe::AttentionKind;
using vs::observe::Module;

namespace {

vs::gen::SamplingRequest small_request(const vs::gen::Generator& g) {
  vs::gen::SamplingRequest r = g.default_request();
  r.labels = {4}, r.seed = 9;
  r.decode_final = false;
  if (auto* flow = std::get_if<vs::gen::FlowArExtra>(&r.extra)) flow->steps = 4;
  return r;
}

int64_t tokens_through(const vs::gen::ModelInfo& info, int scale) {
  int64_t n = 0;
  for (int s = 0; s <= scale; ++s) n += int64_t(info.scales[size_t(s)]) * info.scales[size_t(s)];
  return n;
}

// The map of `key` as the full run computed it, from an observer on that run.
std::vector<float> probs_in_full_run(const vs::gen::Generator& g, const vs::gen::SamplingRequest& r, const CaptureKey& key) {
  vs::observe::Site site;
  site.module = key.module, site.kind = key.kind, site.scale = key.scale, site.euler_step = key.euler_step;
  site.block = key.block, site.row = 0;
  struct : vs::gen::GenerationObserver {
    vs::observe::AttentionCaptureObserver capture;
    vs::observe::ProbabilityRequest wants_probabilities(const vs::observe::Site& s) override {
      return capture.wants_probabilities(s);
    }
    void on_attention(const vs::observe::AttentionCall& c, const vs::attention::Result& res) override {
      capture.on_attention(c, res);
    }
  } observer;
  observer.capture.watch(site);
  g.sample(r, &observer);
  return observer.capture.capture(site).probs.data;
}

class CaptureTest : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(CaptureTest, ReplayGivesTheRunsOwnAttentionAtEverySite) {
  const vs::gen::Generator& g = vs::test::shipped_generator(GetParam());
  const vs::gen::ModelInfo& info = g.info();
  const vs::gen::SamplingRequest request = small_request(g);
  const vs::gen::SampleResult run = g.sample(request);
  ASSERT_EQ(run.pyramid.size(), info.scales.size());
  const int scale = info.num_scales() - 1;
  for (const vs::gen::ModuleInfo& m : info.modules) {
    for (AttentionKind kind : {AttentionKind::kSelf, AttentionKind::kCross}) {
      if (kind == AttentionKind::kCross && !m.cross) continue;
      CaptureKey key;
      key.module = m.module, key.kind = kind, key.scale = scale, key.block = m.blocks - 1;
      key.euler_step = m.module == Module::kFlownet ? 1 : -1;
      SCOPED_TRACE(std::string(vs::observe::module_name(m.module)) + " " + vs::observe::attention_kind_name(kind));
      const AttentionMap map = capture_attention(g, request, run.pyramid, key, true, nullptr);
      const int64_t side2 = int64_t(info.scales[size_t(scale)]) * info.scales[size_t(scale)];
      EXPECT_EQ(map.heads, m.heads);
      EXPECT_EQ(map.head_dim, m.head_dim);
      EXPECT_EQ(map.queries, side2);
      if (m.module != Module::kFlownet) {
        EXPECT_EQ(map.keys, tokens_through(info, scale));  // block-causal
      } else if (kind == AttentionKind::kSelf) {
        EXPECT_EQ(map.keys, side2);  // within the scale
      }
      ASSERT_EQ(map.probs.size(), size_t(map.heads * map.queries * map.keys));
      for (int64_t row = 0; row < map.heads * map.queries; row += 7) {
        double sum = 0;
        for (int64_t k = 0; k < map.keys; ++k) sum += map.probs[size_t(row * map.keys + k)];
        EXPECT_NEAR(sum, 1.0, 1e-4) << "row " << row;
      }
      ASSERT_NE(map.grid, nullptr);
      EXPECT_TRUE(map.grid->complete());
      EXPECT_EQ(map.grid->layers, m.blocks);
      // The replay's map is the run's.
      const std::vector<float> full = probs_in_full_run(g, request, key);
      ASSERT_EQ(full.size(), map.probs.size());
      double worst = 0;
      for (size_t i = 0; i < full.size(); ++i) worst = std::max(worst, double(std::fabs(full[i] - map.probs[i])));
      EXPECT_LT(worst, 1e-5);
    }
  }
}

TEST_P(CaptureTest, ASiteTheRunNeverReachedIsAnError) {
  const vs::gen::Generator& g = vs::test::shipped_generator(GetParam());
  const vs::gen::SamplingRequest request = small_request(g);
  const vs::gen::SampleResult run = g.sample(request);
  CaptureKey key;
  key.module = g.info().modules.front().module, key.scale = 1, key.euler_step = 99, key.block = 0;
  try {
    capture_attention(g, request, run.pyramid, key, false, nullptr);
    FAIL() << "no error";
  } catch (const vs::Error& e) {
    EXPECT_NE(std::string(e.what()).find("Euler step 100"), std::string::npos) << e.what();
  }
  key.euler_step = -1, key.scale = 99;
  EXPECT_THROW(capture_attention(g, request, run.pyramid, key, false, nullptr), vs::Error);
}

INSTANTIATE_TEST_SUITE_P(Shipped, CaptureTest, ::testing::Values("fmnist-var", "fmnist-flowar"),
                         [](const auto& info) { return info.param == "fmnist-var" ? "Var" : "FlowAr"; });
