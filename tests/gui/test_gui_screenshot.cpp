// The real UI under Xvfb: the explorer renders, writes a PNG of its framebuffer and exits
// 0; the PNG has the window's size and each panel's region has content (not one colour).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/io/json.h"
#include "report_json.h"
#include "screenshot_runner.h"

TEST(GuiScreenshot, MainWindowHasEveryPanel) {
  const std::string path = std::string(GUI_OUTPUT_DIR) + "/gui_test_main.png";
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_main.json";
  std::remove(path.c_str());
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 20 --workspace theory --screenshot " + path + " --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const ScreenshotImage image = load_png(path);
  ASSERT_EQ(image.width, 1600) << "no PNG at " << path;
  ASSERT_EQ(image.height, 1000);
  EXPECT_GT(distinct_colors(image, 0, 0, 1, 1), 20u) << "screenshot is (nearly) one colour";
  // The theory workspace drew its three panels; the calculator's numbers are core's for
  // its default inputs (L = 4096, d = 8: a zone and a degree).
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  for (const char* panel : {"theory", "scaling", "phase"})
    EXPECT_EQ(report_text(j, std::string("panels.") + panel + ".shown"), "true") << panel;
  EXPECT_EQ(report_text(j, "panels.generation.shown"), "false");
  EXPECT_EQ(report_text(j, "panels.theory.tokens"), "4096");
  EXPECT_NE(report_text(j, "panels.theory.zone"), "");
  EXPECT_GE(std::stoi(report_text(j, "panels.theory.chebyshev_degree")), 1);
}

// Issue 14, item 6: sweeps kept in the settings folder (--config-dir) are shown at start
// as they were measured, and nothing is measured again unasked.
TEST(GuiScreenshot, KeptSweepsAreShownWithoutRunning) {
  const std::string dir = std::string(GUI_OUTPUT_DIR) + "/gui_test_kept_sweeps";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/sweeps");
  std::ofstream(dir + "/sweeps/scaling.json")
      << R"({"sweep": "scaling", "complete": true, "measured_at": "2026-12-01 10:00",
 "config": {"sides": [16, 32], "pyramid": "geometric:scales=10", "head_dim": 8, "heads": 1, "bound": 0.5,
  "samples": 5, "min_sample_ms": 20, "max_repeats": 1048576, "clock": "wall", "quadratic_max_side": 128,
  "gemm_gflops": 0, "seed": 1, "variants": ["exact"]},
 "points": [
  {"variant": "exact", "side": 16, "tokens": 556, "clock": "wall", "min_ms": 0.5, "median_ms": 0.6, "spread": 0.1,
   "wall_min_ms": 0.5, "cpu_min_ms": 0.5, "repeats": 40, "samples": 5, "threads": 2, "model_flops": 6e6,
   "model_ms": 0.4, "rel_error": 2e-7, "warnings": []},
  {"variant": "exact", "side": 32, "tokens": 1400, "clock": "wall", "min_ms": 6.0, "median_ms": 6.5, "spread": 0.1,
   "wall_min_ms": 6.0, "cpu_min_ms": 6.0, "repeats": 4, "samples": 5, "threads": 2, "model_flops": 8e7,
   "model_ms": 5.0, "rel_error": null, "warnings": []}]})";
  std::ofstream(dir + "/sweeps/phase.json")
      << R"({"sweep": "phase", "complete": false, "measured_at": "2026-12-01 10:05",
 "run_label": "poly:degree=2:basis=chebyshev, n = 16 (L = 680), d = 8", "tokens": 680,
 "points": [{"bound": 0.05, "beta": 0.004, "ratio": 0.025, "measured_error": 2e-7, "exp_error": 3e-9}]})";
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_kept_sweeps.json";
  const std::string png = std::string(GUI_OUTPUT_DIR) + "/gui_test_kept_sweeps.png";
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 20 --workspace theory --size 1024x700 --config-dir " + dir +
                                  " --screenshot " + png + " --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  EXPECT_EQ(report_text(j, "panels.scaling.stored"), "true") << read_text(report);
  EXPECT_EQ(report_text(j, "panels.scaling.points"), "2");
  EXPECT_EQ(report_text(j, "panels.scaling.variants"), "1");
  EXPECT_EQ(report_text(j, "panels.phase.stored"), "true");
  EXPECT_EQ(report_text(j, "panels.phase.points"), "1");
  EXPECT_EQ(load_png(png).width, 1024) << "--size, not the saved window size";
  // A damaged file is reported in the panel, not shown as if it had been measured.
  std::ofstream(dir + "/sweeps/phase.json") << "{\"sweep\": \"phase\"";
  const ProcessResult damaged = run_gui("--frames 5 --panel phase --config-dir " + dir + " --report-json " + report);
  ASSERT_EQ(damaged.exit_code, 0) << damaged.output;
  const vs::io::json::Value k = vs::io::json::parse(read_text(report));
  EXPECT_EQ(report_text(k, "panels.phase.stored"), "false");
  EXPECT_EQ(report_text(k, "panels.phase.error"), "yes");
}

TEST(GuiScreenshot, SinglePanelAtRequestedSize) {
  const std::string path = std::string(GUI_OUTPUT_DIR) + "/gui_test_theory.png";
  std::remove(path.c_str());
  const ProcessResult r = run_gui("--frames 5 --panel theory --size 1200x800 --screenshot " + path);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const ScreenshotImage image = load_png(path);
  ASSERT_EQ(image.width, 1200) << "no PNG at " << path;
  ASSERT_EQ(image.height, 800);
  EXPECT_GT(distinct_colors(image, 0.0, 0.05, 0.5, 0.5), 8u);
  EXPECT_GT(distinct_colors(image, 0.5, 0.05, 1.0, 0.5), 8u);
}

// The default (VAR) workspace without a model: the generation panel explains how to open
// one, and no panel is blank.
TEST(GuiScreenshot, NoModelShowsTheOpenPrompt) {
  const std::string path = std::string(GUI_OUTPUT_DIR) + "/gui_test_no_model.png";
  std::remove(path.c_str());
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_no_model.json";
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 10 --model /nonexistent/none.safetensors --screenshot " + path +
                                  " --report-json " + report);
  ASSERT_EQ(r.exit_code, 6) << r.output;
  ASSERT_EQ(load_png(path).width, 1600) << "no PNG at " << path;
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  EXPECT_NE(report_text(j, "panels.generation.error").find("/nonexistent/none.safetensors"), std::string::npos)
      << read_text(report);
  EXPECT_EQ(report_text(j, "panels.strip.shown"), "true");
  EXPECT_EQ(report_text(j, "panels.strip.scales_drawn"), "0");
}

TEST(GuiScreenshot, UnwritablePathFailsCleanly) {
  const ProcessResult r = run_gui("--frames 2 --screenshot /nonexistent-dir/x.png");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("/nonexistent-dir/x.png"), std::string::npos) << r.output;
}
