// The real UI under Xvfb: the explorer renders, writes a PNG of its framebuffer and exits
// 0; the PNG has the window's size and each panel's region has content (not one colour).
#include <gtest/gtest.h>

#include <cstdio>
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
