// The real UI under Xvfb: the explorer renders, writes a PNG of its framebuffer and exits
// 0; the PNG has the window's size and each panel's region has content (not one colour).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "screenshot_runner.h"

TEST(GuiScreenshot, MainWindowHasEveryPanel) {
  const std::string path = std::string(GUI_OUTPUT_DIR) + "/gui_test_main.png";
  std::remove(path.c_str());
  const ProcessResult r = run_gui("--frames 20 --workspace theory --screenshot " + path);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const ScreenshotImage image = load_png(path);
  ASSERT_EQ(image.width, 1600) << "no PNG at " << path;
  ASSERT_EQ(image.height, 1000);
  EXPECT_GT(distinct_colors(image, 0, 0, 1, 1), 20u) << "screenshot is (nearly) one colour";
  // Theory workspace: theory on the left 37 %, scaling top-right, phase bottom-right.
  EXPECT_GT(distinct_colors(image, 0.02, 0.05, 0.35, 0.95), 8u) << "theory panel region is blank";
  EXPECT_GT(distinct_colors(image, 0.40, 0.05, 0.98, 0.55), 8u) << "scaling panel region is blank";
  EXPECT_GT(distinct_colors(image, 0.40, 0.65, 0.98, 0.95), 8u) << "phase panel region is blank";
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
  const ProcessResult r = run_gui("--frames 10 --model /nonexistent/none.safetensors --screenshot " + path);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const ScreenshotImage image = load_png(path);
  ASSERT_EQ(image.width, 1600) << "no PNG at " << path;
  EXPECT_GT(distinct_colors(image, 0.01, 0.05, 0.24, 0.6), 4u) << "generation panel is blank";
  EXPECT_GT(distinct_colors(image, 0.26, 0.02, 0.69, 0.5), 1u) << "strip panel is blank";
}

TEST(GuiScreenshot, UnwritablePathFailsCleanly) {
  const ProcessResult r = run_gui("--frames 2 --screenshot /nonexistent-dir/x.png");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("/nonexistent-dir/x.png"), std::string::npos) << r.output;
}
