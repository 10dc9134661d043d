// The compare panel's maps at the inspector's site, for both shipped families: exact
// softmax is the inspector's own map (the replay reaches the run's call), exact against
// itself differs nowhere, an approximation differs by exactly its difference map, and a
// bad head, spec or site is an error naming it.
#include <gtest/gtest.h>

#include <cmath>

#include "app/gui/session/attention_capture.h"
#include "app/gui/session/attention_pair.h"
#include "core/error.h"
#include "core/generator/generator.h"
#include "tests/support/shipped_generator.h"

using namespace vs::gui;
using vs::observe::Module;

namespace {

vs::gen::SamplingRequest small_request(const vs::gen::Generator& g) {
  vs::gen::SamplingRequest r = g.default_request();
  r.labels = {3}, r.seed = 5;
  r.decode_final = false;
  if (auto* flow = std::get_if<vs::gen::FlowArExtra>(&r.extra)) flow->steps = 4;
  return r;
}

// The last block of the first module at the last scale (Euler step 2 in a flownet).
CaptureKey last_site(const vs::gen::Generator& g) {
  const vs::gen::ModuleInfo& m = g.info().modules.front();
  CaptureKey key;
  key.module = m.module, key.scale = g.info().num_scales() - 1, key.block = m.blocks - 1;
  key.euler_step = m.module == Module::kFlownet ? 1 : -1;
  return key;
}

class PairTest : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(PairTest, ExactIsTheInspectorsMapAndTheDifferenceIsApproxMinusExact) {
  const vs::gen::Generator& g = vs::test::shipped_generator(GetParam());
  const vs::gen::SamplingRequest request = small_request(g);
  const CaptureKey key = last_site(g);
  const int head = g.info().modules.front().heads - 1;
  const AttentionPair pair = capture_attention_pair(g, request, key, head, "poly:degree=1:basis=taylor", nullptr);
  ASSERT_GT(pair.queries, 0);
  const size_t n = size_t(pair.queries * pair.keys);
  ASSERT_EQ(pair.exact.size(), n);
  ASSERT_EQ(pair.approx.size(), n);
  ASSERT_EQ(pair.difference.size(), n);
  EXPECT_EQ(pair.approx_spec, "poly:degree=1:basis=taylor");

  // The exact map is the inspector's capture of the same head.
  const vs::gen::SampleResult run = g.sample(request);
  const AttentionMap map = capture_attention(g, request, run.pyramid, key, false, nullptr);
  ASSERT_EQ(map.queries, pair.queries);
  ASSERT_EQ(map.keys, pair.keys);
  double worst = 0, diff = 0, norm = 0, largest = 0;
  for (size_t i = 0; i < n; ++i) {
    worst = std::max(worst, double(std::fabs(map.probs[size_t(head) * n + i] - pair.exact[i])));
    EXPECT_FLOAT_EQ(pair.difference[i], pair.approx[i] - pair.exact[i]);
    diff += double(pair.difference[i]) * pair.difference[i], norm += double(pair.exact[i]) * pair.exact[i];
    largest = std::max(largest, double(std::fabs(pair.difference[i])));
  }
  EXPECT_LT(worst, 1e-5) << "the replay reached another call";
  EXPECT_NEAR(pair.relative_error, std::sqrt(diff / norm), 1e-6 * pair.relative_error + 1e-12);
  EXPECT_NEAR(pair.max_abs_difference, largest, 1e-6 * largest);  // the map holds floats
  EXPECT_GT(pair.relative_error, 1e-4) << "a degree-1 polynomial is not softmax";
}

TEST_P(PairTest, ExactAgainstItselfDiffersNowhere) {
  const vs::gen::Generator& g = vs::test::shipped_generator(GetParam());
  const AttentionPair pair = capture_attention_pair(g, small_request(g), last_site(g), 0, "exact", nullptr);
  EXPECT_EQ(pair.max_abs_difference, 0.0);
  EXPECT_EQ(pair.relative_error, 0.0);
  for (int64_t row = 0; row < pair.queries; ++row) {
    double sum = 0;
    for (int64_t k = 0; k < pair.keys; ++k) sum += pair.exact[size_t(row * pair.keys + k)];
    EXPECT_NEAR(sum, 1.0, 1e-4) << "row " << row;
  }
}

TEST_P(PairTest, BadHeadSpecOrSiteIsAnError) {
  const vs::gen::Generator& g = vs::test::shipped_generator(GetParam());
  const vs::gen::SamplingRequest request = small_request(g);
  CaptureKey key = last_site(g);
  key.scale = 1;
  const int heads = g.info().modules.front().heads;
  try {
    capture_attention_pair(g, request, key, heads, "exact", nullptr);
    FAIL() << "no error";
  } catch (const vs::Error& e) {
    EXPECT_NE(std::string(e.what()).find("head " + std::to_string(heads + 1)), std::string::npos) << e.what();
  }
  EXPECT_THROW(capture_attention_pair(g, request, key, 0, "poly:degree=x", nullptr), vs::Error);
  key.euler_step = 99;
  EXPECT_THROW(capture_attention_pair(g, request, key, 0, "exact", nullptr), vs::Error);
  key.euler_step = -1, key.scale = 99;
  EXPECT_THROW(capture_attention_pair(g, request, key, 0, "exact", nullptr), vs::Error);
}

INSTANTIATE_TEST_SUITE_P(Shipped, PairTest, ::testing::Values("fmnist-var", "fmnist-flowar"),
                         [](const auto& info) { return info.param == "fmnist-var" ? "Var" : "FlowAr"; });
