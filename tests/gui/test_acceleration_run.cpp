// The Accelerate panel's run without a window, on both shipped models: no acceleration is
// the exact run (identical images, every scale's code equal, PSNR infinite); skipping the
// last scale publishes it as skipped and still decodes a full image; FastVAR records its
// kept-token mask on the pruned scales; a method the family lacks is an error before any
// sampling.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <thread>

#include "app/gui/session/acceleration_run.h"
#include "tests/support/shipped_generator.h"

using namespace vs::gui;

namespace {

const vs::gen::Generator& shipped(const std::string& name) { return vs::test::shipped_generator(name); }

struct Outcome {
  std::vector<AccelFrame> frames;
  bool has_summary = false;
  AccelSummary summary;
  std::string error;
};

Outcome run(const vs::gen::Generator& g, const std::string& spec) {
  vs::gen::SamplingRequest r = g.default_request();
  r.labels = {5}, r.seed = 8;
  if (auto* flow = std::get_if<vs::gen::FlowArExtra>(&r.extra)) flow->steps = 6;
  BackgroundJob<AccelEvent> job;
  job.start([&](BackgroundJob<AccelEvent>::Context& context) { run_acceleration(g, r, spec, context); });
  const auto start = std::chrono::steady_clock::now();
  while (job.running() && std::chrono::steady_clock::now() - start < std::chrono::seconds(120))
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  Outcome out;
  for (AccelEvent& e : job.take()) {
    if (auto* f = std::get_if<AccelFrame>(&e)) out.frames.push_back(*f);
    else out.summary = std::get<AccelSummary>(e), out.has_summary = true;
  }
  out.error = job.error();
  return out;
}

class AccelerationRun : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(AccelerationRun, NoAccelerationIsTheExactRun) {
  const Outcome o = run(shipped(GetParam()), "none");
  ASSERT_TRUE(o.error.empty()) << o.error;
  ASSERT_TRUE(o.has_summary);
  ASSERT_EQ(int(o.frames.size()), shipped(GetParam()).info().num_scales());
  EXPECT_EQ(o.summary.reference_rgb, o.summary.accel_rgb);
  EXPECT_TRUE(std::isinf(o.summary.psnr));
  for (const AccelFrame& f : o.frames) {
    EXPECT_TRUE(f.sampled);
    EXPECT_TRUE(f.kept.empty());
    if (!std::isnan(f.same_tokens)) EXPECT_EQ(f.same_tokens, 1.0) << f.scale;
    else EXPECT_EQ(f.token_error, 0.0) << f.scale;
  }
}

TEST_P(AccelerationRun, SkippingTheLastScaleShowsItSkipped) {
  const vs::gen::Generator& g = shipped(GetParam());
  const Outcome o = run(g, "skip:after=-2");
  ASSERT_TRUE(o.error.empty()) << o.error;
  ASSERT_TRUE(o.has_summary);
  ASSERT_EQ(int(o.frames.size()), g.info().num_scales());
  EXPECT_TRUE(o.frames[o.frames.size() - 2].sampled);
  EXPECT_FALSE(o.frames.back().sampled);
  EXPECT_EQ(o.summary.accel_rgb.size(), o.summary.reference_rgb.size());  // a full image all the same
  EXPECT_TRUE(std::isfinite(o.summary.psnr));
  EXPECT_FALSE(o.summary.notes.empty()) << "skip is an extrapolation on both families";
}

INSTANTIATE_TEST_SUITE_P(Shipped, AccelerationRun, ::testing::Values("fmnist-var", "fmnist-flowar"),
                         [](const auto& info) { return info.param == "fmnist-var" ? "Var" : "FlowAr"; });

TEST(AccelerationRunVar, FastVarRecordsItsKeptTokens) {
  const Outcome o = run(shipped("fmnist-var"), "fastvar");
  ASSERT_TRUE(o.error.empty()) << o.error;
  int pruned = 0;
  for (const AccelFrame& f : o.frames)
    if (!f.kept.empty()) {
      ++pruned;
      EXPECT_EQ(f.kept.size(), size_t(f.side) * f.side);
    }
  EXPECT_GE(pruned, 1);
  // A FlowAR-only method on VAR: one error, nothing sampled.
  const Outcome bad = run(shipped("fmnist-var"), "steps:n=6");
  EXPECT_FALSE(bad.error.empty());
  EXPECT_TRUE(bad.frames.empty());
}
