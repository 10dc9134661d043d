// The theory workspace's kept sweeps (issue 14, item 6): a scaling and a phase sweep
// written under a fresh settings folder read back equal, field by field (NaN kept as NaN,
// warnings, the protocol, part-way runs); no file is no sweep and no error; a damaged file
// is an error naming the path.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "app/gui/export/sweep_store.h"
#include "tests/support/test_folder.h"

using namespace vs::gui;

namespace {

StoredScalingSweep sample_scaling() {
  StoredScalingSweep s;
  s.config.sides = {16, 32, 64};
  s.config.pyramid.kind = vs::attention::PyramidFamily::Kind::kGeometric;
  s.config.pyramid.scales = 7;
  s.config.head_dim = 12, s.config.heads = 2, s.config.bound = 0.37;
  s.config.timing.samples = 4, s.config.timing.min_sample_ms = 15, s.config.timing.clock = vs::TimingClock::kCpu;
  s.config.quadratic_max_side = 32, s.config.gemm_gflops = 12.5, s.config.seed = 99;
  s.config.variants = {"exact", "poly:degree=2:basis=chebyshev"};
  for (int i = 0; i < 3; ++i) {
    vs::attention::ScalingPoint p;
    p.variant = s.config.variants[size_t(i % 2)];
    p.side = s.config.sides[size_t(i)];
    p.tokens = 100 + 1000 * i;
    p.timing.clock = vs::TimingClock::kCpu;
    p.timing.min_ms = 0.1 * (i + 1) / 3.0, p.timing.median_ms = 0.2 * (i + 1), p.timing.spread = 0.05;
    p.timing.wall_min_ms = 0.11 * (i + 1), p.timing.cpu_min_ms = p.timing.min_ms;
    p.timing.repeats = 200 >> i, p.timing.samples = 4, p.timing.threads = 2;
    p.model_flops = 1e6 * (i + 1), p.model_ms = 0.08 * (i + 1);
    p.rel_error = i == 2 ? NAN : 1e-7 * (i + 1);
    if (i == 1) p.warnings = {"poly: no speed-up at n = 32 \"yet\""};
    s.points.push_back(p);
  }
  s.complete = false;
  s.measured_at = "2026-12-06 07:30";
  return s;
}

void expect_same(double a, double b) {
  if (std::isnan(a)) EXPECT_TRUE(std::isnan(b));
  else EXPECT_EQ(a, b);
}

}  // namespace

TEST(SweepStore, ScalingSweepWrittenAndReloadedIsTheSame) {
  const std::string dir = vs::test::fresh_test_folder("sweep_store");
  const std::string path = dir + "/settings/sweeps/scaling.json";  // the folders do not exist yet
  const StoredScalingSweep written = sample_scaling();
  ASSERT_EQ(store_sweep(path, scaling_sweep_json(written)), "");
  StoredScalingSweep read;
  std::string error;
  ASSERT_TRUE(load_scaling_sweep(path, &read, &error)) << error;
  EXPECT_EQ(read.complete, written.complete);
  EXPECT_EQ(read.measured_at, written.measured_at);
  EXPECT_EQ(read.config.sides, written.config.sides);
  EXPECT_EQ(vs::attention::pyramid_family_spec(read.config.pyramid), "geometric:scales=7");
  EXPECT_EQ(read.config.head_dim, 12);
  EXPECT_EQ(read.config.heads, 2);
  EXPECT_EQ(read.config.bound, 0.37);
  EXPECT_EQ(read.config.timing.samples, 4);
  EXPECT_EQ(read.config.timing.min_sample_ms, 15);
  EXPECT_EQ(read.config.timing.clock, vs::TimingClock::kCpu);
  EXPECT_EQ(read.config.quadratic_max_side, 32);
  EXPECT_EQ(read.config.gemm_gflops, 12.5);
  EXPECT_EQ(read.config.seed, 99u);
  EXPECT_EQ(read.config.variants, written.config.variants);
  ASSERT_EQ(read.points.size(), written.points.size());
  for (size_t i = 0; i < read.points.size(); ++i) {
    const auto &a = written.points[i], &b = read.points[i];
    EXPECT_EQ(b.variant, a.variant);
    EXPECT_EQ(b.side, a.side);
    EXPECT_EQ(b.tokens, a.tokens);
    EXPECT_EQ(b.timing.clock, a.timing.clock);
    EXPECT_EQ(b.timing.min_ms, a.timing.min_ms) << "every digit of a double is kept";
    EXPECT_EQ(b.timing.median_ms, a.timing.median_ms);
    EXPECT_EQ(b.timing.spread, a.timing.spread);
    EXPECT_EQ(b.timing.wall_min_ms, a.timing.wall_min_ms);
    EXPECT_EQ(b.timing.cpu_min_ms, a.timing.cpu_min_ms);
    EXPECT_EQ(b.timing.repeats, a.timing.repeats);
    EXPECT_EQ(b.timing.samples, a.timing.samples);
    EXPECT_EQ(b.timing.threads, a.timing.threads);
    EXPECT_EQ(b.model_flops, a.model_flops);
    EXPECT_EQ(b.model_ms, a.model_ms);
    expect_same(a.rel_error, b.rel_error);
    EXPECT_EQ(b.warnings, a.warnings);
  }
}

TEST(SweepStore, PhaseSweepWrittenAndReloadedIsTheSame) {
  const std::string path = vs::test::fresh_test_folder("sweep_store") + "/sweeps/phase.json";
  StoredPhaseSweep written;
  written.run_label = "poly:degree=2:basis=chebyshev, n = 16 (L = 522), d = 8";
  written.tokens = 522;
  written.complete = true;
  written.measured_at = "2026-12-06 07:31";
  for (int i = 0; i < 4; ++i)
    written.points.push_back({0.05 * (i + 1), 0.3 * i, std::sqrt(0.3 * i) / 2.5, 1e-3 / (i + 1), i == 3 ? NAN : 1e-4 * i});
  ASSERT_EQ(store_sweep(path, phase_sweep_json(written)), "");
  StoredPhaseSweep read;
  std::string error;
  ASSERT_TRUE(load_phase_sweep(path, &read, &error)) << error;
  EXPECT_EQ(read.run_label, written.run_label);
  EXPECT_EQ(read.tokens, 522);
  EXPECT_TRUE(read.complete);
  EXPECT_EQ(read.measured_at, written.measured_at);
  ASSERT_EQ(read.points.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    expect_same(written.points[i].bound, read.points[i].bound);
    expect_same(written.points[i].beta, read.points[i].beta);
    expect_same(written.points[i].ratio, read.points[i].ratio);
    expect_same(written.points[i].measured_error, read.points[i].measured_error);
    expect_same(written.points[i].exp_error, read.points[i].exp_error);
  }
}

TEST(SweepStore, NoFileIsNoSweepAndADamagedOneIsAnError) {
  const std::string dir = vs::test::fresh_test_folder("sweep_store");
  StoredScalingSweep scaling;
  StoredPhaseSweep phase;
  std::string error = "stale";
  EXPECT_FALSE(load_scaling_sweep(dir + "/none.json", &scaling, &error));
  EXPECT_EQ(error, "");
  // Cut short, the wrong kind, a field of the wrong type: each an error naming the file.
  const std::string full = scaling_sweep_json(sample_scaling());
  const std::pair<std::string, std::string> damaged[] = {
      {full.substr(0, full.size() / 2), "at byte"},
      {phase_sweep_json(StoredPhaseSweep{}), "not a scaling sweep"},
      {"{\"sweep\": \"scaling\", \"complete\": 1}", "\"complete\" is not true or false"},
  };
  for (const auto& [text, why] : damaged) {
    std::ofstream(dir + "/bad.json") << text;
    EXPECT_FALSE(load_scaling_sweep(dir + "/bad.json", &scaling, &error));
    EXPECT_EQ(error.rfind(dir + "/bad.json: ", 0), 0u) << error;
    EXPECT_NE(error.find(why), std::string::npos) << error;
  }
  std::ofstream(dir + "/bad.json") << full;
  EXPECT_FALSE(load_phase_sweep(dir + "/bad.json", &phase, &error));
  EXPECT_NE(error.find("not a phase sweep"), std::string::npos) << error;
}
