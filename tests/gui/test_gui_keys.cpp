// The scale strip's keyboard shortcuts under Xvfb, on the shipped models: --keys presses
// ← / → / Space once the generation has finished, and the report's selected scale (and
// the screenshot's strip) follow: ← ← → from the final scale ends one before it (VAR and
// FlowAR); Space plays and Space again pauses (a playing strip keeps the app busy, so a
// Space that did not toggle shows as a run that lasts until --wait-workers).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "screenshot_runner.h"

namespace {

// The integer after "key": in the report (-1 when absent).
int report_int(const std::string& json, const std::string& key) {
  const size_t at = json.find("\"" + key + "\": ");
  return at == std::string::npos ? -1 : std::atoi(json.c_str() + at + key.size() + 4);
}

struct KeysRun {
  std::string report;
  int num_scales = -1, scales_done = -1, selected = -1;
  double seconds = 0;  // wall time of the run
};

// Generates with the shipped model, presses `keys`, screenshots name.png.
KeysRun run_with_keys(const std::string& model, const std::string& keys, const std::string& name,
                      int wait_workers_s = 400) {
  const std::string png = std::string(GUI_OUTPUT_DIR) + "/" + name + ".png";
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/" + name + ".json";
  std::remove(png.c_str());
  std::remove(report.c_str());
  const auto start = std::chrono::steady_clock::now();
  const ProcessResult r = run_gui("--frames 30 --wait-workers " + std::to_string(wait_workers_s) + " --model " + model +
                                  " --generate --class 3 --seed 7 --keys " + keys + " --screenshot " + png +
                                  " --report-json " + report);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(load_png(png).width, 1600) << "no PNG at " << png;
  KeysRun run;
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.report = read_text(report);
  run.num_scales = report_int(run.report, "num_scales");
  run.scales_done = report_int(run.report, "scales_done");
  run.selected = report_int(run.report, "selected_scale");
  return run;
}

std::string shipped(const std::string& name) {
  return std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/" + name + ".safetensors";
}

}  // namespace

TEST(GuiKeys, LeftLeftRightStepsTheVarStrip) {
  if (!std::ifstream(shipped("fmnist-var"))) GTEST_SKIP() << "no shipped fmnist-var";
  const KeysRun run = run_with_keys(shipped("fmnist-var"), "2:left,4:left,6:right", "gui_test_keys_var");
  ASSERT_GT(run.num_scales, 2) << run.report;
  ASSERT_EQ(run.scales_done, run.num_scales) << "the keys came before the generation finished: " << run.report;
  EXPECT_EQ(run.selected, run.num_scales - 1) << run.report;
}

TEST(GuiKeys, SpaceThenSpacePlaysAndPausesTheVarStrip) {
  if (!std::ifstream(shipped("fmnist-var"))) GTEST_SKIP() << "no shipped fmnist-var";
  // The second Space is due while the first is still down: it is pressed a frame later,
  // after the release ImGui needs to see a new press.
  const int wait_workers_s = 240;
  const KeysRun run = run_with_keys(shipped("fmnist-var"), "2:space,3:space", "gui_test_keys_var_space", wait_workers_s);
  ASSERT_GT(run.num_scales, 2) << run.report;
  ASSERT_EQ(run.scales_done, run.num_scales) << run.report;
  EXPECT_GE(run.selected, 1) << run.report;
  EXPECT_LE(run.selected, run.num_scales) << run.report;
  EXPECT_LT(run.seconds, wait_workers_s * 0.75) << "the strip was still playing at the end: Space did not toggle";
}

TEST(GuiKeys, LeftLeftRightStepsTheFlowArStrip) {
  if (!std::ifstream(shipped("fmnist-flowar"))) GTEST_SKIP() << "no shipped fmnist-flowar";
  const KeysRun run = run_with_keys(shipped("fmnist-flowar"), "2:left,4:left,6:right", "gui_test_keys_flowar");
  EXPECT_NE(run.report.find("\"family\": \"flowar\""), std::string::npos) << run.report;
  ASSERT_GT(run.num_scales, 2) << run.report;
  ASSERT_EQ(run.scales_done, run.num_scales) << run.report;
  EXPECT_EQ(run.selected, run.num_scales - 1) << run.report;
}
