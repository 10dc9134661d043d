// LiteVAR on the shipped models (acceleration.md §4): windowed attention through the
// Generator (a full window is the exact run bit for bit; a narrow one computes fewer
// pairs), cfg-share (its null setting is the exact run; sharing halves the attention calls
// and, where both CFG halves are the same, changes nothing), and the window calibration
// (widths chosen on a few generations keep the target mass on a fresh one).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>

#include "core/accel/fidelity.h"
#include "core/attention/window_widths.h"
#include "core/error.h"
#include "core/generator/generator.h"
#include "core/observe/window_mass.h"
#include "tests/support/error_message.h"
#include "tests/support/shipped_generator.h"
#include "tests/support/test_folder.h"

namespace {

using vs::gen::Generator;
using vs::gen::SampleResult;
using vs::gen::SamplingRequest;

// Attention calls, and the pairs they computed (a variant's own count where it gives one).
class Work : public vs::gen::GenerationObserver {
 public:
  void on_attention(const vs::observe::AttentionCall& call, const vs::attention::Result& result) override {
    ++calls;
    const auto it = result.stats.find("pairs_computed");
    const double all = double(call.q.dim(0) * call.q.dim(1) * call.k.dim(1));
    pairs += it != result.stats.end() ? it->second : all;
    const auto kept = result.stats.find("pairs_allowed");
    allowed += kept != result.stats.end() ? kept->second : all;
  }
  int64_t calls = 0;
  double pairs = 0, allowed = 0;  // computed, and inside the windows
};

// Forwards to a window mass observer.
class Mass : public vs::gen::GenerationObserver {
 public:
  explicit Mass(vs::observe::WindowMassObserver& mass) : mass_(mass) {}
  vs::observe::ProbabilityRequest wants_probabilities(const vs::observe::Site& site) override {
    return mass_.wants_probabilities(site);
  }
  void on_attention(const vs::observe::AttentionCall& call, const vs::attention::Result& result) override {
    mass_.on_attention(call, result);
  }

 private:
  vs::observe::WindowMassObserver& mass_;
};

const Generator& var() { return vs::test::shipped_generator("fmnist-var"); }

SamplingRequest request(const std::string& attention, const std::string& accel, std::vector<int64_t> labels = {2, 7},
                        uint64_t seed = 5) {
  SamplingRequest r = var().default_request();
  r.labels = std::move(labels);
  r.seed = seed;
  r.attention = attention;
  r.accel = accel;
  return r;
}

void expect_same(const SampleResult& a, const SampleResult& b, const std::string& what) {
  ASSERT_EQ(a.scales_done, b.scales_done) << what;
  for (int k = 0; k < a.scales_done; ++k) EXPECT_EQ(a.pyramid[k].ids, b.pyramid[k].ids) << what << " scale " << k;
  EXPECT_TRUE(a.image01.data == b.image01.data) << what << ": the image differs";
}

TEST(WindowGeneration, FullWindowIsTheExactRunBitForBit) {
  const SampleResult exact = var().sample(request("exact", "none"));
  expect_same(var().sample(request("window:w=100000", "none")), exact, "window:w=100000");
  expect_same(var().sample(request("window:w=0:exact=100", "none")), exact, "window with every scale exact");
}

TEST(WindowGeneration, NarrowWindowComputesFewerPairsAndGivesAnImage) {
  Work exact_work, window_work;
  var().sample(request("exact", "none"), &exact_work);
  const SampleResult windowed = var().sample(request("window:w=4:w_prev=2", "none"), &window_work);
  EXPECT_EQ(window_work.calls, exact_work.calls);
  EXPECT_LT(window_work.pairs, 0.8 * exact_work.pairs);
  ASSERT_EQ(windowed.image01.shape, (vs::Shape{2, 3, 32, 32}));
  for (float x : windowed.image01.data) ASSERT_TRUE(std::isfinite(x));
}

TEST(WindowGeneration, CfgShareFromBeyondTheLastScaleIsTheExactRun) {
  const std::string K = std::to_string(var().info().num_scales());
  expect_same(var().sample(request("exact", "cfg-share:from=" + K)), var().sample(request("exact", "none")),
              "cfg-share beyond the last scale");
}

TEST(WindowGeneration, CfgShareRunsOneCallPerImageAndChangesNothingWhereTheHalvesAgree) {
  Work exact_work, shared_work;
  var().sample(request("exact", "none"), &exact_work);
  const SampleResult shared = var().sample(request("exact", "cfg-share"), &shared_work);
  EXPECT_EQ(2 * shared_work.calls, exact_work.calls);
  ASSERT_EQ(shared.image01.shape, (vs::Shape{2, 3, 32, 32}));
  // Unconditional images: both CFG halves are the null class, so sharing the conditional
  // half's attention is exact up to float rounding in the wider P·V.
  const SampleResult a = var().sample(request("exact", "none", {-1, -1}));
  const SampleResult b = var().sample(request("exact", "cfg-share", {-1, -1}));
  double agreement = 0;
  for (int k = 0; k < a.scales_done; ++k) agreement += vs::accel::token_agreement(a.pyramid[k].ids, b.pyramid[k].ids);
  EXPECT_GT(agreement / a.scales_done, 0.99);
  // It composes with windowed attention and cfg-drop: cfg-drop's scales run the
  // conditional rows alone, one call per image as when shared.
  Work combined;
  const SampleResult both = var().sample(request("window:w=4", "cfg-share+cfg-drop:from=-1"), &combined);
  EXPECT_EQ(combined.calls, shared_work.calls);
  for (float x : both.image01.data) ASSERT_TRUE(std::isfinite(x));
}

// Refused before any scale runs (it used to fail at the first pruned scale).
TEST(WindowGeneration, WindowWithFastVarIsRefusedUpFront) {
  struct Scales : vs::gen::GenerationObserver {
    int seen = 0;
    bool on_scale(const vs::gen::ScaleEvent&) override { return ++seen, true; }
  } scales;
  EXPECT_NE(vs::test::message_of([&] { var().sample(request("window:w=4", "fastvar"), &scales); })
                .find("fastvar drops some"),
            std::string::npos);
  EXPECT_EQ(scales.seen, 0);
}

TEST(WindowGeneration, CfgShareRefusesWhatItCannotShare) {
  EXPECT_NE(vs::test::message_of([] { var().sample(request("exact", "cfg-share+fastvar")); })
                .find("cfg-share cannot join fastvar"),
            std::string::npos);
  EXPECT_NE(vs::test::message_of([] {
              const Generator& flowar = vs::test::shipped_generator("fmnist-flowar");
              SamplingRequest r = flowar.default_request();
              r.accel = "cfg-share";
              flowar.sample(r);
            }).find("FlowAR has no port of it"),
            std::string::npos);
}

TEST(WindowCalibration, WidthsKeepTheTargetMassOnAFreshGeneration) {
  const vs::gen::ModelInfo& info = var().info();
  const vs::gen::ModuleInfo* module = info.module(vs::observe::Module::kVar);
  ASSERT_NE(module, nullptr);
  const double target = 0.95;
  vs::observe::WindowMassObserver calibration(vs::observe::Module::kVar, info.scales, module->blocks, module->heads,
                                              vs::attention::WindowShape::kBand);
  Mass calibrate(calibration);
  for (int i = 0; i < 2; ++i) var().sample(request("exact", "none", {int64_t(i)}, uint64_t(i)), &calibrate);
  EXPECT_GT(calibration.calls(), 0);
  vs::attention::WindowWidths widths = calibration.choose_widths(target);
  EXPECT_GE(calibration.kept_share(widths), target);
  // Some blocks really are windowed, and narrower than the whole block.
  int windowed_blocks = 0;
  for (int64_t w : widths.table) windowed_blocks += w >= 0;
  EXPECT_GT(windowed_blocks, 0);

  // A fresh generation (other classes, other seed): the windows keep the target share.
  vs::observe::WindowMassObserver fresh(vs::observe::Module::kVar, info.scales, module->blocks, module->heads,
                                        vs::attention::WindowShape::kBand);
  Mass measure(fresh);
  var().sample(request("exact", "none", {5, 9}, 100), &measure);
  EXPECT_GE(fresh.kept_share(widths), target);

  // The table as a file drives a generation: its windows exclude keys (on this small model
  // the 0.95 windows are wide, so the 16-row tiles may still compute every pair), and the
  // image is finite.
  const std::string path = vs::test::fresh_test_folder("window_generation") + "/widths.json";
  std::ofstream(path) << vs::attention::window_widths_json(widths);
  Work exact_work, window_work;
  var().sample(request("exact", "none"), &exact_work);
  const SampleResult windowed = var().sample(request("window:widths=" + path, "none"), &window_work);
  EXPECT_LT(window_work.allowed, exact_work.allowed);
  EXPECT_LE(window_work.pairs, exact_work.pairs);
  for (float x : windowed.image01.data) ASSERT_TRUE(std::isfinite(x));
  // LiteVAR's dropping of blocks with a small share of the row mass: never the query's own
  // block, and what is dropped is mass lost.
  const vs::attention::WindowWidths dropping = calibration.choose_widths(target, 0.2);
  int dropped = 0;
  for (int l = 0; l < dropping.layers; ++l)
    for (int h = 0; h < dropping.heads; ++h)
      for (int s = 0; s < int(dropping.scales.size()); ++s) {
        EXPECT_NE(dropping.at(l, h, s, s), vs::attention::kDroppedWindow);
        for (int b = 0; b < s; ++b) dropped += dropping.at(l, h, s, b) == vs::attention::kDroppedWindow;
      }
  EXPECT_GT(dropped, 0);
  EXPECT_LT(calibration.kept_share(dropping), calibration.kept_share(widths));
  const std::string dropping_path = path + ".dropping.json";
  std::ofstream(dropping_path) << vs::attention::window_widths_json(dropping);
  for (float x : var().sample(request("window:widths=" + dropping_path, "none")).image01.data)
    ASSERT_TRUE(std::isfinite(x));
  // On FlowAR, a VAR table is refused with the reason.
  const Generator& flowar = vs::test::shipped_generator("fmnist-flowar");
  SamplingRequest r = flowar.default_request();
  r.attention = "window:widths=" + path;
  EXPECT_NE(vs::test::message_of([&] { flowar.sample(r); }).find("widths of " + path), std::string::npos);
}

}  // namespace
