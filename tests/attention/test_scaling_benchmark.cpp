// The scaling sweep: what it refuses before any work (sides, family, memory), which points
// it plans (quadratic variants stop at their side limit), and a tiny real sweep whose
// points carry the timing protocol's fields, the model and the error.
#include "core/attention/scaling_benchmark.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/attention/pyramid.h"
#include "core/error.h"
#include "tests/support/error_message.h"

namespace vs::attention {
namespace {

ScalingConfig tiny_config() {
  ScalingConfig config;
  config.sides = {4, 8};
  config.variants = {"exact", "poly:degree=2"};
  config.timing.samples = 1;
  config.timing.min_sample_ms = 0;
  config.gemm_gflops = 10;  // skip measuring it
  return config;
}

TEST(ScalingBenchmark, RefusesBadSweepsBeforeAnyWork) {
  ScalingConfig config = tiny_config();
  config.sides = {4, kMaxScalingSide + 1};
  EXPECT_NE(test::message_of([&] { validate_scaling_config(config); }).find("outside [1, 16384]"), std::string::npos);
  config = tiny_config();
  config.pyramid = parse_pyramid_family("official");
  config.sides = {16, 48};
  EXPECT_NE(test::message_of([&] { validate_scaling_config(config); }).find("no official VAR schedule for n = 48"),
            std::string::npos);
  config = tiny_config();
  config.variants = {"magic"};
  EXPECT_THROW(validate_scaling_config(config), Error);
  config = tiny_config();
  config.timing.samples = 0;
  EXPECT_THROW(run_scaling_benchmark(config), Error);
}

TEST(ScalingBenchmark, RefusesASideAboveTheMemoryBudget) {
  ScalingConfig config = tiny_config();
  config.sides = {8, 16384};  // L ≈ 3.6e8 tokens
  config.variants = {"poly:degree=2"};
  config.heads = 1024;
  config.head_dim = 4096;
  const std::string message = test::message_of([&] { validate_scaling_config(config); });
  EXPECT_NE(message.find("bench attention: n=16384"), std::string::npos) << message;
  EXPECT_NE(message.find("more than the memory budget"), std::string::npos) << message;
}

TEST(ScalingBenchmark, DenseVariantsCountTheirMatricesOnlyWherePlanned) {
  ScalingConfig config = tiny_config();
  config.sides = {8, 1024};  // L ≈ 1.4e6: an L×L double matrix is ~16 TB
  config.variants = {"poly:degree=2", "svd:rank=4"};
  config.quadratic_max_side = 2048;
  EXPECT_NE(test::message_of([&] { validate_scaling_config(config); }).find("memory budget"), std::string::npos);
  config.quadratic_max_side = 256;  // svd stops at 256: only poly runs at 1024
  EXPECT_NO_THROW(validate_scaling_config(config));
  EXPECT_TRUE(scaling_point_planned(config, "svd:rank=4", 8));
  EXPECT_FALSE(scaling_point_planned(config, "svd:rank=4", 1024));
  EXPECT_TRUE(scaling_point_planned(config, "poly:degree=2", 1024));
  EXPECT_FALSE(scaling_point_planned(config, "exact", 512));
}

TEST(ScalingBenchmark, ATinySweepCarriesTimingModelAndError) {
  const ScalingConfig config = tiny_config();
  const ScalingResult result = run_scaling_benchmark(config);
  ASSERT_EQ(result.points.size(), 4u);
  EXPECT_DOUBLE_EQ(result.gemm_gflops, 10.0);
  EXPECT_TRUE(result.notes.empty());
  for (const auto& p : result.points) {
    EXPECT_GT(p.timing.min_ms, 0.0) << p.variant;
    EXPECT_LE(p.timing.min_ms, p.timing.median_ms);
    EXPECT_EQ(p.timing.samples, 1);
    EXPECT_GE(p.timing.threads, 1);
    EXPECT_DOUBLE_EQ(p.model_ms, p.model_flops / 1e7);
    EXPECT_EQ(p.tokens, pyramid_tokens(geometric_pyramid(p.side, 10)));
    EXPECT_TRUE(std::isfinite(p.rel_error)) << p.variant;
    EXPECT_LT(p.rel_error, 1e-2) << p.variant;
  }
  EXPECT_DOUBLE_EQ(result.points[0].model_flops, 4.0 * double(pyramid_allowed_pairs({1, 2, 3, 4})) * 8);
}

TEST(ScalingBenchmark, QuadraticVariantsStopAtTheirSideWithANote) {
  ScalingConfig config = tiny_config();
  config.quadratic_max_side = 4;
  const ScalingResult result = run_scaling_benchmark(config);
  ASSERT_EQ(result.points.size(), 3u);  // exact at 4; poly at 4 and 8
  for (const auto& p : result.points)
    if (p.side == 8) {
      EXPECT_EQ(p.variant, "poly:degree=2");
      EXPECT_TRUE(std::isnan(p.rel_error));  // no exact reference above the limit
    }
  ASSERT_EQ(result.notes.size(), 1u);
  EXPECT_NE(result.notes[0].find("exact: sides above 4 skipped"), std::string::npos) << result.notes[0];
}

}  // namespace
}  // namespace vs::attention
