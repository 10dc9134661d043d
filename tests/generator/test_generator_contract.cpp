// The Generator contract, run over every shipped generator (design/generator.md): the same
// request gives the same image; a cancel stops within one scale; a run's own pyramid as
// prefix reproduces it; exactly one scale event per scale, in order; the observer sees
// every attention call of every module; the defaults are the model's own.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "core/error.h"
#include "core/generator/generator.h"
#include "core/io/model_ref.h"

namespace {

using vs::gen::Generator;

const Generator& shipped(const std::string& name) {
  static std::map<std::string, std::unique_ptr<Generator>> cache;
  auto& g = cache[name];
  if (!g) g = vs::gen::open_generator(name);
  return *g;
}

// Records every event; cancels after `cancel_after` when asked.
class Recorder : public vs::gen::GenerationObserver {
 public:
  bool on_scale(const vs::gen::ScaleEvent& e) override {
    scales.push_back(e.scale);
    if (e.image01) images.push_back(e.image01->shape);
    if (cancel && e.scale == cancel_after) cancel->store(true);
    return true;
  }
  void on_step(const vs::gen::StepEvent& e) override { steps.push_back(e); }
  void on_attention(const vs::observe::AttentionCall& call, const vs::attention::Result&) override {
    const auto& s = call.site;
    sites.insert({s.module, s.kind, s.scale, s.euler_step, s.block, s.row});
    ++calls;
  }
  std::vector<int> scales;
  std::vector<vs::Shape> images;
  std::vector<vs::gen::StepEvent> steps;
  std::set<std::tuple<vs::observe::Module, vs::observe::AttentionKind, int, int, int, int64_t>> sites;
  int64_t calls = 0;
  std::atomic<bool>* cancel = nullptr;
  int cancel_after = -1;
};

// A short run: few Euler steps keep the FlowAR cases fast.
vs::gen::SamplingRequest request_for(const Generator& g, uint64_t seed = 3) {
  vs::gen::SamplingRequest r = g.default_request();
  r.labels = {2, 7};
  r.seed = seed;
  if (auto* flow = std::get_if<vs::gen::FlowArExtra>(&r.extra)) flow->steps = 4;
  return r;
}

class GeneratorContract : public ::testing::TestWithParam<std::string> {
 protected:
  const Generator& g() const { return shipped(GetParam()); }
};

TEST_P(GeneratorContract, InfoDescribesTheModel) {
  const vs::gen::ModelInfo& info = g().info();
  EXPECT_EQ(info.name, GetParam());
  EXPECT_EQ(info.num_classes, 10);
  EXPECT_EQ(info.class_names.size(), 10u);
  EXPECT_GT(info.num_scales(), 1);
  EXPECT_EQ(info.image_side, 32);
  ASSERT_FALSE(info.modules.empty());
  for (const auto& m : info.modules) EXPECT_GT(m.blocks * m.heads * m.head_dim, 0);
}

TEST_P(GeneratorContract, SameRequestSameImageOtherSeedOtherImage) {
  const auto a = g().sample(request_for(g()));
  const auto b = g().sample(request_for(g()));
  ASSERT_EQ(a.image01.shape, (vs::Shape{2, 3, 32, 32}));
  EXPECT_EQ(a.image01.data, b.image01.data);
  const auto c = g().sample(request_for(g(), 4));
  EXPECT_NE(a.image01.data, c.image01.data);
  EXPECT_FALSE(a.cancelled);
  EXPECT_EQ(a.scales_done, g().info().num_scales());
  EXPECT_EQ(int(a.pyramid.size()), g().info().num_scales());
}

TEST_P(GeneratorContract, OneScaleEventPerScaleInOrderAndEveryAttentionCallSeen) {
  Recorder recorder;
  vs::gen::SamplingRequest r = request_for(g());
  r.decode_each_scale = true;
  g().sample(r, &recorder);
  const int K = g().info().num_scales();
  ASSERT_EQ(int(recorder.scales.size()), K);
  for (int k = 0; k < K; ++k) EXPECT_EQ(recorder.scales[k], k);
  ASSERT_EQ(int(recorder.images.size()), K);
  for (const vs::Shape& shape : recorder.images) EXPECT_EQ(shape, (vs::Shape{2, 3, 32, 32}));
  // Every module's every block is seen at every scale, for every row of the batch (CFG: 4).
  for (const auto& m : g().info().modules)
    for (int k = 0; k < K; ++k)
      for (int b = 0; b < m.blocks; ++b) {
        const bool flownet = m.module == vs::observe::Module::kFlownet;
        const int euler = flownet ? 0 : -1;
        for (int64_t row = 0; row < (flownet ? 2 : 4); ++row)
          EXPECT_TRUE(recorder.sites.count({m.module, vs::observe::AttentionKind::kSelf, k, euler, b, row}))
              << vs::observe::module_name(m.module) << " scale " << k << " block " << b << " row " << row;
      }
  if (g().info().family == vs::gen::Family::kFlowAr) {
    const int steps = std::get<vs::gen::FlowArExtra>(r.extra).steps;
    ASSERT_EQ(int(recorder.steps.size()), K * steps);
    EXPECT_EQ(recorder.steps.back().scale, K - 1);
    EXPECT_EQ(recorder.steps.back().step, steps - 1);
    // Flownet calls carry their Euler step: every step of the last scale is seen.
    for (int i = 0; i < steps; ++i)
      EXPECT_TRUE(recorder.sites.count(
          {vs::observe::Module::kFlownet, vs::observe::AttentionKind::kSelf, K - 1, i, 0, int64_t(0)}));
  } else {
    EXPECT_TRUE(recorder.steps.empty());
  }
}

TEST_P(GeneratorContract, CancelStopsWithinOneScale) {
  std::atomic<bool> cancel{false};
  Recorder recorder;
  recorder.cancel = &cancel;
  recorder.cancel_after = 1;
  vs::gen::SamplingRequest r = request_for(g());
  r.cancel = &cancel;
  const auto result = g().sample(r, &recorder);
  EXPECT_TRUE(result.cancelled);
  EXPECT_EQ(result.scales_done, 2);
  EXPECT_EQ(recorder.scales, (std::vector<int>{0, 1}));
  EXPECT_EQ(result.image01.numel(), 0);
}

TEST_P(GeneratorContract, StopAfterEndsTheRunAndDecodesWhatExists) {
  vs::gen::SamplingRequest r = request_for(g());
  r.stop_after = 1;
  const auto result = g().sample(r);
  EXPECT_FALSE(result.cancelled);
  EXPECT_EQ(result.scales_done, 2);
  ASSERT_EQ(result.image01.shape, (vs::Shape{2, 3, 32, 32}));
  EXPECT_EQ(result.image01.data, g().decode_scale(result.pyramid, 1).data);
}

TEST_P(GeneratorContract, OwnPyramidAsPrefixReproducesTheRun) {
  const auto full = g().sample(request_for(g()));
  for (int keep : {1, g().info().num_scales() - 1}) {
    vs::gen::SamplingRequest r = request_for(g());
    r.prefix = full.pyramid;
    r.keep_scales = keep;
    const auto again = g().sample(r);
    EXPECT_EQ(again.image01.data, full.image01.data) << "keep " << keep;
  }
}

TEST_P(GeneratorContract, LastScalePreviewIsTheImage) {
  const auto full = g().sample(request_for(g()));
  const vs::Tensor preview = g().decode_scale(full.pyramid, g().info().num_scales() - 1);
  ASSERT_EQ(preview.shape, full.image01.shape);
  for (size_t i = 0; i < preview.data.size(); ++i) ASSERT_NEAR(preview.data[i], full.image01.data[i], 1e-5);
}

TEST_P(GeneratorContract, EncodedImageRoundTrips) {
  const auto full = g().sample(request_for(g()));
  vs::Tensor image = full.image01;
  for (float& x : image.data) x = 2 * x - 1;
  const vs::gen::Pyramid pyramid = g().encode(image);
  ASSERT_EQ(int(pyramid.size()), g().info().num_scales());
  const vs::Tensor decoded = g().decode_scale(pyramid, g().info().num_scales() - 1);
  ASSERT_EQ(decoded.shape, full.image01.shape);
  double err = 0;
  for (size_t i = 0; i < decoded.data.size(); ++i) err += std::abs(decoded.data[i] - full.image01.data[i]);
  EXPECT_LT(err / decoded.numel(), 0.1);  // a tokenizer's round trip of its own output
}

TEST_P(GeneratorContract, ForeignExtrasAreRefused) {
  vs::gen::SamplingRequest r = request_for(g());
  if (std::holds_alternative<vs::gen::VarExtra>(r.extra))
    r.extra = vs::gen::FlowArExtra{};
  else
    r.extra = vs::gen::VarExtra{};
  EXPECT_THROW(g().sample(r), vs::Error);
}

INSTANTIATE_TEST_SUITE_P(Shipped, GeneratorContract, ::testing::Values("fmnist-var", "fmnist-flowar"),
                         [](const auto& info) { return info.param == "fmnist-var" ? "Var" : "FlowAr"; });

TEST(OpenGenerator, RefusesWhatIsNotAGenerator) {
  try {
    vs::gen::open_generator("fmnist-classifier");
    FAIL() << "a classifier opened as a generator";
  } catch (const vs::Error& e) {
    EXPECT_NE(std::string(e.what()).find("not a VAR or FlowAR generator"), std::string::npos) << e.what();
  }
}

TEST(Defaults, OneSourcePerFamily) {
  const auto var = shipped("fmnist-var").default_request();
  EXPECT_EQ(var.cfg, 4.0);
  EXPECT_EQ(std::get<vs::gen::VarExtra>(var.extra).top_k, 900);
  EXPECT_EQ(std::get<vs::gen::VarExtra>(var.extra).top_p, 0.95);
  const auto flow = shipped("fmnist-flowar").default_request();
  EXPECT_EQ(flow.cfg, 4.3);
  EXPECT_EQ(std::get<vs::gen::FlowArExtra>(flow.extra).steps, 25);
  EXPECT_EQ(std::get<vs::gen::FlowArExtra>(flow.extra).guidance, 0.9);
}

}  // namespace
