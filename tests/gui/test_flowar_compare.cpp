// The FlowAR exact-vs-approximate comparison on the shipped fmnist-flowar, without a
// window: comparing a variant with itself gives identical images and tokens at every
// scale; an approximation drifts (nonzero token error, the final images differ) and the
// reference half equals an ordinary exact generation; a bad spec is an error.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "app/gui/panels/flowar_compare.h"
#include "app/gui/var/image_compare.h"
#include "core/flowar/flowar_sampler.h"
#include "core/io/image_io.h"
#include "tests/gui/shipped_flowar.h"

using namespace vs::gui;

namespace {

const std::string kModels = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/";

std::vector<FlowArCompareFrame> compare(const FlowArParams& params, const std::string& spec, std::string* error) {
  const auto loaded = load_shipped_flowar();
  BackgroundJob<FlowArCompareFrame> job;
  job.start([&](BackgroundJob<FlowArCompareFrame>::Context& context) { run_flowar_comparison(*loaded, params, spec, context); });
  std::vector<FlowArCompareFrame> frames;
  const auto start = std::chrono::steady_clock::now();
  while (job.running() && std::chrono::steady_clock::now() - start < std::chrono::seconds(120))
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  for (FlowArCompareFrame& f : job.take()) frames.push_back(std::move(f));
  *error = job.error();
  return frames;
}

FlowArParams params() {
  FlowArParams p;
  p.class_id = 7, p.seed = 3, p.steps = 6, p.cfg = 3.0;
  return p;
}

}  // namespace

TEST(FlowArCompare, SameVariantIsIdentical) {
  std::string error;
  const auto frames = compare(params(), "exact", &error);
  ASSERT_TRUE(error.empty()) << error;
  ASSERT_EQ(frames.size(), 3u);
  for (const FlowArCompareFrame& f : frames) {
    EXPECT_EQ(f.image_side, 32);
    EXPECT_EQ(f.reference_rgb.size(), size_t(32 * 32 * 3));
    EXPECT_EQ(f.reference_rgb, f.approx_rgb) << f.scale;
    EXPECT_EQ(f.token_error, 0.0) << f.scale;
  }
}

TEST(FlowArCompare, AnApproximationDriftsFromTheExactReference) {
  std::string error;
  const auto frames = compare(params(), "performer:features=4:seed=1", &error);
  ASSERT_TRUE(error.empty()) << error;
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_GT(frames.back().token_error, 1e-4);
  EXPECT_GT(relative_l2_error(frames.back().reference_rgb, frames.back().approx_rgb), 0.0);
  // The reference half is an ordinary exact generation.
  const auto loaded = load_shipped_flowar();
  vs::flowar::FlowArSamplingOptions options;
  options.num_steps = 6, options.cfg = 3.0, options.seed = 3;
  const auto exact = vs::flowar::sample_flowar(*loaded->model, {7}, options, {}, loaded->vae.get());
  EXPECT_EQ(frames.back().reference_rgb, vs::io::image01_to_rgb8(vs::flowar::images_to_unit_range(exact.image), 0));
}

TEST(FlowArCompare, BadSpecIsAnError) {
  std::string error;
  const auto frames = compare(params(), "poly:degree=banana", &error);
  EXPECT_TRUE(frames.empty());
  EXPECT_FALSE(error.empty());
}
