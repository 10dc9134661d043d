// The exact-vs-approximate comparison over the Generator, on both shipped generators,
// without a window: comparing a variant with itself gives identical pictures and codes at
// every scale; an approximation drifts (the final codes and images differ) and the
// reference half equals an ordinary generation; a bad spec is an error before any work.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "app/gui/session/comparison.h"
#include "app/gui/session/image_compare.h"
#include "core/generator/generator.h"
#include "core/io/image_io.h"
#include "tests/support/shipped_generator.h"

using namespace vs::gui;

namespace {

const vs::gen::Generator& shipped(const std::string& name) { return vs::test::shipped_generator(name); }

vs::gen::SamplingRequest request(const vs::gen::Generator& g) {
  vs::gen::SamplingRequest r = g.default_request();
  r.labels = {7}, r.seed = 3, r.cfg = 3.0;
  if (auto* flow = std::get_if<vs::gen::FlowArExtra>(&r.extra)) flow->steps = 6;
  return r;
}

std::vector<CompareFrame> compare(const vs::gen::Generator& g, const std::string& spec, std::string* error) {
  BackgroundJob<CompareFrame> job;
  job.start([&](BackgroundJob<CompareFrame>::Context& context) { run_comparison(g, request(g), spec, context); });
  const auto start = std::chrono::steady_clock::now();
  while (job.running() && std::chrono::steady_clock::now() - start < std::chrono::seconds(120))
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::vector<CompareFrame> frames = job.take();
  *error = job.error();
  return frames;
}

class Comparison : public ::testing::TestWithParam<std::string> {
 protected:
  const vs::gen::Generator& g() const { return shipped(GetParam()); }
  bool ids() const { return g().info().family == vs::gen::Family::kVar; }
};

}  // namespace

TEST_P(Comparison, SameVariantIsIdentical) {
  std::string error;
  const auto frames = compare(g(), "exact", &error);
  ASSERT_TRUE(error.empty()) << error;
  ASSERT_EQ(int(frames.size()), g().info().num_scales());
  for (const CompareFrame& f : frames) {
    EXPECT_EQ(f.image_side, 32);
    EXPECT_EQ(f.reference_rgb.size(), size_t(32 * 32 * 3));
    EXPECT_EQ(f.reference_rgb, f.approx_rgb) << f.scale;
    EXPECT_EQ(f.image_error, 0.0) << f.scale;
    if (ids()) {
      EXPECT_EQ(f.same_tokens, 1.0) << f.scale;
      EXPECT_TRUE(std::isnan(f.token_error));
    } else {
      EXPECT_EQ(f.token_error, 0.0) << f.scale;
      EXPECT_TRUE(std::isnan(f.same_tokens));
    }
    // Exact against exact on the same inputs: every head's output error is (near) zero.
    ASSERT_FALSE(f.head_errors.empty()) << f.scale;
    EXPECT_LT(f.worst_head_error(), 1e-5) << f.scale;
  }
}

TEST_P(Comparison, AnApproximationDriftsFromTheExactReference) {
  std::string error;
  const auto frames = compare(g(), "performer:features=4:seed=1", &error);
  ASSERT_TRUE(error.empty()) << error;
  ASSERT_EQ(int(frames.size()), g().info().num_scales());
  if (ids())
    EXPECT_LT(frames.back().same_tokens, 1.0);
  else
    EXPECT_GT(frames.back().token_error, 1e-4);
  EXPECT_GT(frames.back().image_error, 0.0);
  // Every module's every block × head has its attention error at every scale, and a
  // 4-feature Performer is far from exact on the model's real inputs.
  for (const CompareFrame& f : frames) {
    for (const vs::gen::ModuleInfo& m : g().info().modules) {
      const std::vector<HeadError> worst = worst_head_errors(f, m.module);
      EXPECT_EQ(worst.size(), size_t(m.blocks * m.heads * (m.cross ? 2 : 1))) << vs::observe::module_name(m.module);
    }
  }
  EXPECT_GT(frames.back().worst_head_error(), 0.05);
  EXPECT_DOUBLE_EQ(frames.back().image_error, relative_l2_error(frames.back().reference_rgb, frames.back().approx_rgb));
  // The reference half is an ordinary generation of the same request.
  const auto plain = g().sample(request(g()));
  EXPECT_EQ(frames.back().reference_rgb, vs::io::image01_to_rgb8(plain.image01, 0));
}

TEST_P(Comparison, BadSpecIsAnError) {
  std::string error;
  const auto frames = compare(g(), "poly:degree=banana", &error);
  EXPECT_TRUE(frames.empty());
  EXPECT_FALSE(error.empty());
}

INSTANTIATE_TEST_SUITE_P(Shipped, Comparison, ::testing::Values("fmnist-var", "fmnist-flowar"),
                         [](const auto& info) { return info.param == "fmnist-var" ? "Var" : "FlowAr"; });

TEST(CodeDifference, IdsByEqualityLatentsByRelativeError) {
  vs::gen::ScaleCode a, b;
  a.ids = {1, 2, 3, 4, 9}, b.ids = {1, 2, 0, 4, 8};  // the fifth is another image's row
  const auto [same, err] = code_difference(a, b, 2);
  EXPECT_DOUBLE_EQ(same, 0.75);
  EXPECT_TRUE(std::isnan(err));
  vs::gen::ScaleCode x, y;
  x.latent = vs::Tensor({1, 1, 2}), y.latent = vs::Tensor({1, 1, 2});
  x.latent.data = {3, 4}, y.latent.data = {3, 4.5f};
  const auto [same2, err2] = code_difference(x, y, 1);
  EXPECT_TRUE(std::isnan(same2));
  EXPECT_NEAR(err2, 0.1, 1e-7);
}
