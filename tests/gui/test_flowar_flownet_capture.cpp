// The flownet attention maps of the FlowAR inspector, without a window. The capture
// learns the Euler step from the sampler's on_step hook; the reference here does not: it
// counts the flownet's calls of the conditional row per (scale, layer) — one per Euler
// step — so a step off by one shows. On the v2_tiny fixture (Block_v2: self- and
// cross-attention) directly, and through FlowArSession on the shipped fmnist-flowar: the
// generation captures the selected map at every scale (side² × side², every head, rows
// summing to 1), and another selection is captured on request by running again.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <map>
#include <thread>
#include <utility>

#include "app/gui/flowar/flowar_session.h"
#include "app/gui/flowar/flownet_map_capture.h"
#include "core/attention/attention.h"
#include "core/flowar/flowar_model.h"
#include "core/flowar/flowar_sampler.h"
#include "tests/gui/settle.h"

using namespace vs::gui;

namespace {

const std::string kV2 = std::string(VARSCOPE_SHARED_DIR) + "/fixtures/flowar/v2_tiny/flowar.safetensors";
const std::string kShipped = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/fmnist-flowar";

// Captures (scale, euler_step, layer) of row 0 by counting that site's calls.
class CountingCapture : public vs::observe::Observer {
 public:
  CountingCapture(FlownetMapKey key, int flow_depth) : key_(key), flow_depth_(flow_depth) {}
  vs::observe::ProbabilityRequest wants_probabilities(const vs::observe::Site& site) override {
    return {is_target(site), 0, -1};
  }
  void on_attention(const vs::observe::AttentionCall& call, const vs::attention::Result& result) override {
    if (is_target(call.site)) probs = result.probs.data;
    if (call.site.row == 0) ++calls_[{call.site.scale, layer(call.site)}];
  }
  std::vector<float> probs;

 private:
  int layer(const vs::observe::Site& site) const {
    return site.block + (site.kind == vs::observe::AttentionKind::kCross ? flow_depth_ : 0);
  }
  bool is_target(const vs::observe::Site& site) {
    return site.row == 0 && site.scale == key_.scale && layer(site) == key_.layer &&
           calls_[{site.scale, layer(site)}] + 1 == key_.euler_step;
  }
  FlownetMapKey key_;
  int flow_depth_;
  std::map<std::pair<int, int>, int> calls_;
};

vs::flowar::FlowArSamplingOptions options(int steps, double cfg, uint64_t seed) {
  vs::flowar::FlowArSamplingOptions o;
  o.num_steps = steps, o.cfg = cfg, o.seed = seed;
  return o;
}

// The reference map of `key`: the same run with only the counting observer attached.
std::vector<float> reference_map(const vs::flowar::FlowArModel& model, int label,
                                 const vs::flowar::FlowArSamplingOptions& o, FlownetMapKey key) {
  const auto exact = vs::attention::make_variant("exact");
  CountingCapture counting(key, model.config.flow_depth);
  vs::flowar::FlowArSamplerHooks hooks;
  hooks.ar_context = {exact.get(), nullptr};
  hooks.flow_context = {exact.get(), &counting};
  hooks.on_scale = [&](const vs::flowar::FlowArScaleReport& r) { return r.scale < key.scale; };
  vs::flowar::sample_flowar(model, {label}, o, hooks, nullptr);
  return counting.probs;
}

void expect_rows_sum_to_one(const FlownetMap& map) {
  for (int64_t row = 0; row < map.heads * map.queries; ++row) {
    double sum = 0;
    for (int64_t j = 0; j < map.keys; ++j) sum += map.probs[row * map.keys + j];
    ASSERT_NEAR(sum, 1.0, 1e-4) << "row " << row;
  }
}

void expect_same(const std::vector<float>& a, const std::vector<float>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], 1e-6) << "entry " << i;
}

}  // namespace

TEST(FlownetMapCapture, SelfAndCrossMapsAtTheWatchedEulerStep) {
  const vs::flowar::FlowArModel model = vs::flowar::FlowArModel::load(kV2);
  const auto& config = model.config;
  ASSERT_EQ(config.flow_block, vs::flowar::FlownetBlock::kV2);
  const auto o = options(4, 2.0, 5);
  // Self-attention of block 1 at scale 2, step 2; cross-attention of the last block at
  // scale 3 (side 4), step 3.
  const FlownetMapKey self_key{1, 2, 0}, cross_key{2, 3, 2 * config.flow_depth - 1};
  const auto exact = vs::attention::make_variant("exact");
  FlownetMapCapture capture(config.flow_depth);
  capture.watch(self_key);
  capture.watch(cross_key);
  vs::flowar::FlowArSamplerHooks hooks;
  hooks.ar_context = {exact.get(), nullptr};
  hooks.flow_context = {exact.get(), &capture};
  hooks.on_scale = [&](const vs::flowar::FlowArScaleReport& r) { return r.scale < cross_key.scale; };
  vs::flowar::sample_flowar(model, {5}, o, hooks, nullptr);
  const std::vector<FlownetMap> maps = capture.take();
  ASSERT_EQ(maps.size(), 2u);
  for (const FlownetMap& map : maps) {
    const int side = config.scales[map.key.scale];
    EXPECT_EQ(map.heads, config.flow_heads);
    EXPECT_EQ(map.queries, int64_t(side) * side);
    EXPECT_EQ(map.keys, int64_t(side) * side);  // the cross keys are the scale's AR condition
    ASSERT_EQ(map.probs.size(), size_t(map.heads * map.queries * map.keys));
    expect_rows_sum_to_one(map);
  }
  EXPECT_TRUE(maps[0].key == self_key);
  EXPECT_TRUE(maps[1].key == cross_key);
  expect_same(maps[0].probs, reference_map(model, 5, o, self_key));
  expect_same(maps[1].probs, reference_map(model, 5, o, cross_key));
}

TEST(FlowArSessionFlownet, GenerationCapturesTheSelectionAndReplaysAnother) {
  FlowArSession session;
  session.open(kShipped + ".safetensors", kShipped + "-vae.safetensors");
  FlowArParams params;
  params.class_id = 4, params.seed = 3, params.steps = 6, params.cfg = 3.0;
  session.flownet_euler_step = 2, session.flownet_layer = 1;
  session.generate_after_load(params);
  ASSERT_TRUE(settle(session));
  ASSERT_NE(session.model(), nullptr) << session.load_error();
  const auto& config = session.model()->config;
  ASSERT_EQ(session.frames().size(), config.scales.size()) << session.generation_error();
  const int steps = session.euler_steps();
  ASSERT_GE(steps, 3);
  for (const FlowArFrame& f : session.frames()) {
    const FlownetMap& map = f.flownet_map;
    EXPECT_TRUE(map.key == (FlownetMapKey{f.scale, 2, 1})) << "scale " << f.scale;
    EXPECT_EQ(map.heads, config.flow_heads);
    EXPECT_EQ(map.queries, int64_t(f.side) * f.side);
    EXPECT_EQ(map.keys, int64_t(f.side) * f.side);
    ASSERT_EQ(map.probs.size(), size_t(map.heads * map.queries * map.keys));
    expect_rows_sum_to_one(map);
    EXPECT_EQ(session.flownet_map(map.key), &map);
  }
  const int last = int(config.scales.size()) - 1;
  const auto o = options(params.steps, params.cfg, params.seed);
  expect_same(session.frames()[last].flownet_map.probs, reference_map(*session.model(), 4, o, {last, 2, 1}));

  // Another step and block: not captured by the generation, so captured on request.
  session.flownet_euler_step = 0, session.flownet_layer = 0;  // the last step, block 1
  const FlownetMapKey key = session.flownet_key(last);
  EXPECT_TRUE(key == (FlownetMapKey{last, steps, 0}));
  EXPECT_EQ(session.flownet_map(key), nullptr);
  session.request_flownet_map(key);
  EXPECT_TRUE(session.capturing_flownet());
  ASSERT_TRUE(settle(session));
  EXPECT_EQ(session.flownet_error(), "");
  const FlownetMap* map = session.flownet_map(key);
  ASSERT_NE(map, nullptr);
  EXPECT_EQ(map->queries, int64_t(config.scales[last]) * config.scales[last]);
  expect_rows_sum_to_one(*map);
  expect_same(map->probs, reference_map(*session.model(), 4, o, key));
  // A new generation drops the maps of the old run and captures the selection of its start.
  session.flownet_euler_step = 1, session.flownet_layer = config.flow_depth - 1;
  session.generate(params);
  ASSERT_TRUE(settle(session));
  EXPECT_EQ(session.flownet_map(key), nullptr);
  const FlownetMap* now = session.flownet_map(session.flownet_key(last));
  ASSERT_NE(now, nullptr) << "the new selection is not captured";
  EXPECT_TRUE(now->key == (FlownetMapKey{last, 1, config.flow_depth - 1}));
}
