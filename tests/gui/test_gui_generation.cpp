// The VAR workspace under Xvfb: the explorer opens the d2_l2 reference fixture (random
// weights: the images are noise, that is expected), generates every scale before the
// screenshot, captures attention, and reports it; a corrupt or missing checkpoint ends in
// an error shown in the UI (and in --report-json), never a crash.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "screenshot_runner.h"

namespace {

const std::string kFixture = std::string(VARSCOPE_SHARED_DIR) + "/fixtures/var/d2_l2";

std::string fixture_flags() {
  return "--model " + kFixture + "/var.pth --vae " + kFixture + "/vae.pth --patch-nums 1,2,3,4,5,6,8";
}

}  // namespace

TEST(GuiGeneration, GeneratesEveryScaleBeforeTheScreenshot) {
  const std::string png = std::string(GUI_OUTPUT_DIR) + "/gui_test_generation.png";
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_generation.json";
  std::remove(png.c_str());
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 30 --wait-workers 120 " + fixture_flags() +
                                  " --generate --class 3 --seed 7 --screenshot " + png + " --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string json = read_text(report);
  EXPECT_NE(json.find("\"model_open\": true"), std::string::npos) << json;
  EXPECT_NE(json.find("\"scales_done\": 7"), std::string::npos) << json;
  EXPECT_NE(json.find("\"attention_captured\": true"), std::string::npos) << json;
  const ScreenshotImage image = load_png(png);
  ASSERT_EQ(image.width, 1600) << "no PNG at " << png;
  // Default VAR layout: generation left 25 %, scales top-middle, attention below, gauges right.
  EXPECT_GT(distinct_colors(image, 0.01, 0.05, 0.24, 0.6), 8u) << "generation panel is blank";
  EXPECT_GT(distinct_colors(image, 0.26, 0.05, 0.69, 0.5), 40u) << "coarse-to-fine strip shows no images";
  EXPECT_GT(distinct_colors(image, 0.26, 0.6, 0.69, 0.95), 8u) << "attention inspector is blank";
  EXPECT_GT(distinct_colors(image, 0.71, 0.05, 0.99, 0.3), 8u) << "norm gauges are blank";
}

TEST(GuiGeneration, CorruptCheckpointShowsTheLoaderError) {
  const std::string bad = std::string(GUI_OUTPUT_DIR) + "/gui_test_corrupt.safetensors";
  {
    std::ofstream out(bad, std::ios::binary);
    const char bytes[] = "\x10\x00\x00\x00\x00\x00\x00\x00{not json at all";  // header length 16, bad JSON
    out.write(bytes, sizeof bytes - 1);
  }
  const std::string png = std::string(GUI_OUTPUT_DIR) + "/gui_test_corrupt.png";
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_corrupt.json";
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 20 --wait-workers 30 --model " + bad + " --vae " + bad +
                                  " --generate --screenshot " + png + " --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string json = read_text(report);
  EXPECT_NE(json.find("\"model_open\": false"), std::string::npos) << json;
  EXPECT_EQ(json.find("\"load_error\": \"\""), std::string::npos) << "no loader error reported: " << json;
  EXPECT_NE(json.find("gui_test_corrupt.safetensors"), std::string::npos) << json;
  const ScreenshotImage image = load_png(png);
  ASSERT_EQ(image.width, 1600);
  EXPECT_GT(distinct_colors(image, 0.01, 0.05, 0.24, 0.6), 4u) << "the error is not on screen";
}

TEST(GuiGeneration, MissingVaeIsAnErrorNotACrash) {
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_missing.json";
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 10 --wait-workers 30 --model " + kFixture + "/var.pth --vae /nonexistent/vae.pth "
                                  "--patch-nums 1,2,3,4,5,6,8 --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string json = read_text(report);
  EXPECT_NE(json.find("/nonexistent/vae.pth"), std::string::npos) << json;
  EXPECT_NE(json.find("\"model_open\": false"), std::string::npos) << json;
}
