// The generation workspace's places under Xvfb at the small 1024×700 window: panels that
// share a place are tabs of one window, the View menu's ticks stay true (a panel opened
// by --compare comes to the front of the inspector while the attention inspector stays
// ticked, one tab behind), and every panel reports what it drew.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "core/io/json.h"
#include "report_json.h"
#include "screenshot_runner.h"

TEST(GuiLayout, ComparisonIsATabOfTheInspectorAndTheViewMenuStaysTrue) {
  const std::string model = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/fmnist-var.safetensors";
  const std::string png = std::string(GUI_OUTPUT_DIR) + "/gui_test_layout_small.png";
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_layout_small.json";
  std::remove(png.c_str());
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 30 --wait-workers 200 --size 1024x700 --model " + model +
                                  " --generate --class 7 --seed 2 --compare performer:features=8 --screenshot " + png +
                                  " --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(load_png(png).width, 1024) << "no PNG at " << png;
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  EXPECT_EQ(report_text(j, "panels.compare.visible"), "true");
  EXPECT_EQ(report_text(j, "panels.compare.shown"), "true");
  EXPECT_EQ(report_text(j, "panels.attention.visible"), "true");  // ticked: a tab behind
  EXPECT_EQ(report_text(j, "panels.attention.shown"), "false");
  for (const char* panel : {"generation", "strip", "gauges"}) {
    EXPECT_EQ(report_text(j, std::string("panels.") + panel + ".shown"), "true") << panel;
  }
  EXPECT_EQ(report_text(j, "panels.own_image.visible"), "false");
  EXPECT_EQ(report_text(j, "panels.strip.scales_drawn"), "7");
  EXPECT_EQ(report_text(j, "compare.approx_variant"), "performer:features=8");
}
