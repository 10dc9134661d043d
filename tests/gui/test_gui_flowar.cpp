// The explorer in FlowAR mode under Xvfb: a FlowAR checkpoint given with --model is
// detected as FlowAR, generates every scale before the screenshot (the strip shows the
// decoded scales, the gauges the AR and flownet norms, the inspector the AR map and the
// flownet map the generation captured), and reports it; a FlowAR file
// with a wrong VAE shows the loader's error. On the shipped fmnist-flowar (32×32: fast)
// and the v1_tiny reference fixture.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "screenshot_runner.h"

namespace {

const std::string kFixture = std::string(VARSCOPE_SHARED_DIR) + "/fixtures/flowar/v1_tiny";

void expect_full_flowar_run(const std::string& flags, const std::string& name, int scales) {
  const std::string png = std::string(GUI_OUTPUT_DIR) + "/" + name + ".png";
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/" + name + ".json";
  std::remove(png.c_str());
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 30 --wait-workers 200 " + flags + " --generate --class 3 --seed 7 --screenshot " +
                                  png + " --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string json = read_text(report);
  EXPECT_NE(json.find("\"family\": \"flowar\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"model_open\": true"), std::string::npos) << json;
  EXPECT_NE(json.find("\"scales_done\": " + std::to_string(scales)), std::string::npos) << json;
  EXPECT_EQ(json.find("\"ar_head_norms\": 0,"), std::string::npos) << json;
  EXPECT_EQ(json.find("\"flownet_head_norms\": 0,"), std::string::npos) << json;
  EXPECT_NE(json.find("\"flownet_maps\": " + std::to_string(scales)), std::string::npos) << json;
  const ScreenshotImage image = load_png(png);
  ASSERT_EQ(image.width, 1600) << "no PNG at " << png;
  EXPECT_GT(distinct_colors(image, 0.01, 0.05, 0.24, 0.6), 8u) << "generation panel is blank";
  EXPECT_GT(distinct_colors(image, 0.26, 0.05, 0.69, 0.5), 20u) << "coarse-to-fine strip shows no images";
  EXPECT_GT(distinct_colors(image, 0.71, 0.05, 0.99, 0.5), 8u) << "norm gauges are blank";
  // The inspector's two maps side by side below its controls: AR left, flownet right.
  EXPECT_GT(distinct_colors(image, 0.26, 0.72, 0.46, 0.94), 8u) << "no AR attention map";
  EXPECT_GT(distinct_colors(image, 0.56, 0.72, 0.64, 0.94), 8u) << "no flownet attention map";
}

}  // namespace

TEST(GuiFlowAr, ShippedModelGeneratesEveryScale) {
  const std::string model = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/fmnist-flowar.safetensors";
  if (!std::ifstream(model)) GTEST_SKIP() << "no shipped " << model;
  expect_full_flowar_run("--model " + model, "gui_test_flowar_shipped", 3);
}

TEST(GuiFlowAr, WrongVaeShowsTheLoaderError) {
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_flowar_bad_vae.json";
  const std::string png = std::string(GUI_OUTPUT_DIR) + "/gui_test_flowar_bad_vae.png";
  std::remove(report.c_str());
  const std::string var_vae = std::string(VARSCOPE_SHARED_DIR) + "/fixtures/var/d2_l2/vae.pth";
  const ProcessResult r = run_gui("--frames 20 --wait-workers 60 --model " + kFixture + "/flowar.pth --vae " + var_vae +
                                  " --generate --screenshot " + png + " --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string json = read_text(report);
  EXPECT_NE(json.find("\"family\": \"flowar\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"model_open\": false"), std::string::npos) << json;
  EXPECT_EQ(json.find("\"load_error\": \"\""), std::string::npos) << "no loader error reported: " << json;
  const ScreenshotImage image = load_png(png);
  ASSERT_EQ(image.width, 1600);
  EXPECT_GT(distinct_colors(image, 0.01, 0.05, 0.24, 0.6), 4u) << "the error is not on screen";
}
