// Single VAR panels under Xvfb on the d2_l2 reference fixture (random weights: noise
// images are expected): the generation panel, the attention inspector with a pinned query
// overlaid on the earlier scales, and exact vs approximate side by side.
#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "core/io/json.h"
#include "report_json.h"
#include "screenshot_runner.h"

namespace {

const std::string kFixture = std::string(VARSCOPE_SHARED_DIR) + "/fixtures/var/d2_l2";

std::string fixture_flags() {
  return "--model " + kFixture + "/var.pth --vae " + kFixture + "/vae.pth --patch-nums 1,2,3,4,5,6,8";
}

}  // namespace

TEST(GuiVarPanels, GenerationPanelAlone) {
  const std::string png = std::string(GUI_OUTPUT_DIR) + "/gui_test_generation_panel.png";
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_generation_panel.json";
  std::remove(png.c_str());
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 20 --wait-workers 120 --panel generation --size 800x700 " + fixture_flags() +
                                  " --generate --screenshot " + png + " --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(load_png(png).width, 800) << "no PNG at " << png;
  // The model's defaults, the same as the CLI's, and no error.
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  EXPECT_EQ(report_text(j, "scales_done"), "7");
  EXPECT_EQ(report_text(j, "panels.generation.request"), "cfg 4, top-k 900, top-p 0.95, attention exact");
  EXPECT_EQ(report_text(j, "panels.generation.error"), "");
}

TEST(GuiVarPanels, ExactVersusApproximateSideBySide) {
  const std::string png = std::string(GUI_OUTPUT_DIR) + "/gui_test_compare.png";
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_compare.json";
  std::remove(png.c_str());
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 20 --wait-workers 150 --panel compare --size 1000x800 " + fixture_flags() +
                                  " --generate --compare poly:degree=2 --screenshot " + png + " --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(load_png(png).width, 1000) << "no PNG at " << png;
  // The report holds what the panel shows: a row per scale of the d2_l2 fixture's 7, the
  // first scale identical (one token), equal token ids counted by the VAR column.
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  const vs::io::json::Value* compare = j.find("compare");
  ASSERT_TRUE(compare && compare->kind == vs::io::json::Value::Kind::Object) << read_text(report);
  EXPECT_EQ(compare->find("family")->text, "var");
  EXPECT_EQ(compare->find("approx_variant")->text, "poly:degree=2");
  // The picker shows the variant --compare ran, not the saved or default choice.
  EXPECT_EQ(report_text(j, "panels.compare.picker"), "poly:degree=2:basis=taylor");
  EXPECT_EQ(report_text(j, "panels.compare.picker_matches"), "true");
  const vs::io::json::Value* scales = compare->find("scales");
  ASSERT_TRUE(scales && scales->array.size() == 7u);
  EXPECT_EQ(scales->array[0].find("image_error")->text, "0");
  EXPECT_EQ(scales->array[0].find("same_tokens")->text, "1");
  EXPECT_GT(std::stod(scales->array[6].find("image_error")->text), 0.0) << "poly degree 2 drifts by the last scale";
  EXPECT_LT(std::stod(scales->array[6].find("same_tokens")->text), 1.0);
}

TEST(GuiVarPanels, ExactAndApproximateMapsAtTheSelectedSite) {
  const std::string png = std::string(GUI_OUTPUT_DIR) + "/gui_test_compare_maps.png";
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_compare_maps.json";
  std::remove(png.c_str());
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 20 --wait-workers 150 --panel compare --size 1000x800 " + fixture_flags() +
                                  " --generate --select 5,2,1 --compare poly:degree=1 --compare-view maps --screenshot " +
                                  png + " --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(load_png(png).width, 1000) << "no PNG at " << png;
  // The inspector's site (scale 5: 25 queries over 55 keys, block 2, head 1), both maps and
  // their difference drawn; a degree-1 polynomial is visibly not softmax.
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  EXPECT_EQ(report_text(j, "panels.compare.maps.scale"), "5") << read_text(report);
  EXPECT_EQ(report_text(j, "panels.compare.maps.block"), "2");
  EXPECT_EQ(report_text(j, "panels.compare.maps.head"), "1");
  EXPECT_EQ(report_text(j, "panels.compare.maps.queries"), "25");
  EXPECT_EQ(report_text(j, "panels.compare.maps.keys"), "55");
  EXPECT_EQ(report_text(j, "panels.compare.maps.variant"), "poly:degree=1:basis=taylor");
  EXPECT_EQ(report_text(j, "panels.compare.maps.drawn"), "true");
  EXPECT_GT(std::stod(report_text(j, "panels.compare.maps.relative_error")), 0.0);
  EXPECT_GT(std::stod(report_text(j, "panels.compare.maps.max_abs_difference")), 0.0);
}

TEST(GuiVarPanels, ClassBySeedGrid) {
  const std::string png = std::string(GUI_OUTPUT_DIR) + "/gui_test_grid.png";
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_grid.json";
  std::remove(png.c_str());
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 20 --wait-workers 150 --panel grid --size 1000x800 " + fixture_flags() +
                                  " --grid 3,0,5/7,1 --screenshot " + png + " --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(load_png(png).width, 1000) << "no PNG at " << png;
  // Three classes × two seeds, in the order given, every image of the fixture's 8·16 px.
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  EXPECT_EQ(report_text(j, "panels.grid.shown"), "true") << read_text(report);
  EXPECT_EQ(report_text(j, "panels.grid.classes"), "3,0,5");
  EXPECT_EQ(report_text(j, "panels.grid.seeds"), "7,1");
  EXPECT_EQ(report_text(j, "panels.grid.cells"), "6");
  EXPECT_EQ(report_text(j, "panels.grid.side"), "128");
  EXPECT_EQ(report_text(j, "panels.grid.message"), "");
}

TEST(GuiVarPanels, AttentionInspectorWithPinnedQuery) {
  const std::string png = std::string(GUI_OUTPUT_DIR) + "/gui_test_attention.png";
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_attention.json";
  std::remove(png.c_str());
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 20 --wait-workers 120 --panel attention --size 1000x900 " + fixture_flags() +
                                  " --generate --select 5,2,1,7 --screenshot " + png + " --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(load_png(png).width, 1000) << "no PNG at " << png;
  // --select 5,2,1,7: scale 5 (5×5 queries over 1+4+9+16+25 keys), block 2, head 1, the
  // pinned query 7 overlaid on the earlier scales.
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  EXPECT_EQ(report_text(j, "panels.attention.map_drawn"), "true");
  EXPECT_EQ(report_text(j, "panels.attention.scale"), "5");
  EXPECT_EQ(report_text(j, "panels.attention.block"), "2");
  EXPECT_EQ(report_text(j, "panels.attention.head"), "1");
  EXPECT_EQ(report_text(j, "panels.attention.queries"), "25");
  EXPECT_EQ(report_text(j, "panels.attention.keys"), "55");
  EXPECT_EQ(report_text(j, "panels.attention.query_overlay"), "true");
}
