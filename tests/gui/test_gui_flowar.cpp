// The explorer in FlowAR mode under Xvfb: a FlowAR checkpoint given with --model opens as
// FlowAR, generates every scale before the screenshot, and its --report-json
// (read with the project's JSON reader) says what the panels showed: the strip every
// scale, the gauges the AR and flownet norms, the inspector the AR map of the last scale;
// a FlowAR file with a wrong VAE shows the loader's error. On the shipped fmnist-flowar (32×32: fast)
// and the v1_tiny reference fixture.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "core/io/json.h"
#include "report_json.h"
#include "screenshot_runner.h"

namespace {

const std::string kFixture = std::string(VARSCOPE_SHARED_DIR) + "/fixtures/flowar/v1_tiny";

}  // namespace

TEST(GuiFlowAr, ShippedModelGeneratesEveryScale) {
  const std::string model = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/fmnist-flowar.safetensors";
  if (!std::ifstream(model)) GTEST_SKIP() << "no shipped " << model;
  const std::string png = std::string(GUI_OUTPUT_DIR) + "/gui_test_flowar_shipped.png";
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_flowar_shipped.json";
  std::remove(png.c_str());
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 30 --wait-workers 200 --model " + model +
                                  " --generate --class 3 --seed 7 --screenshot " + png + " --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(load_png(png).width, 1600) << "no PNG at " << png;
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  EXPECT_EQ(report_text(j, "family"), "flowar");
  EXPECT_EQ(report_text(j, "model_open"), "true");
  EXPECT_EQ(report_text(j, "scales_done"), "3");
  // Head norms of both modules were recorded and drawn in the gauges for the selected scale.
  EXPECT_NE(report_text(j, "head_norms.ar"), "0");
  EXPECT_NE(report_text(j, "head_norms.flownet"), "0");
  EXPECT_NE(report_text(j, "panels.gauges.rows.ar"), "0");
  EXPECT_NE(report_text(j, "panels.gauges.rows.flownet"), "0");
  // The strip drew every scale; the inspector drew the AR map of the last scale: 4×4
  // queries over 1 + 4 + 16 block-causal keys.
  EXPECT_EQ(report_text(j, "panels.strip.scales_drawn"), "3");
  EXPECT_EQ(report_text(j, "panels.attention.map_drawn"), "true");
  EXPECT_EQ(report_text(j, "panels.attention.module"), "ar");
  EXPECT_EQ(report_text(j, "panels.attention.queries"), "16");
  EXPECT_EQ(report_text(j, "panels.attention.keys"), "21");
  EXPECT_EQ(report_text(j, "panels.attention.grid"), "true");
  EXPECT_EQ(report_text(j, "panels.generation.request"), "cfg 4.3, 25 Euler steps, guidance 0.9, attention exact");
}

TEST(GuiFlowAr, WrongVaeShowsTheLoaderError) {
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_flowar_bad_vae.json";
  const std::string png = std::string(GUI_OUTPUT_DIR) + "/gui_test_flowar_bad_vae.png";
  std::remove(report.c_str());
  const std::string var_vae = std::string(VARSCOPE_SHARED_DIR) + "/fixtures/var/d2_l2/vae.pth";
  const ProcessResult r = run_gui("--frames 20 --wait-workers 60 --model " + kFixture + "/flowar.pth --vae " + var_vae +
                                  " --generate --screenshot " + png + " --report-json " + report);
  ASSERT_EQ(r.exit_code, 6) << r.output;
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  EXPECT_EQ(report_text(j, "model_open"), "false");
  EXPECT_NE(report_text(j, "load_error"), "") << read_text(report);
  EXPECT_EQ(report_text(j, "scales_done"), "0");
  EXPECT_EQ(report_text(j, "panels.strip.scales_drawn"), "0");
}
