// The VAR workspace under Xvfb: the explorer opens the d2_l2 reference fixture (random
// weights: the images are noise, that is expected), generates every scale before the
// screenshot, captures attention, and reports it; a corrupt or missing checkpoint ends in
// an error shown in the UI (and in --report-json), never a crash.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
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

TEST(GuiGeneration, GeneratesEveryScaleBeforeTheScreenshot) {
  const std::string png = std::string(GUI_OUTPUT_DIR) + "/gui_test_generation.png";
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_generation.json";
  std::remove(png.c_str());
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 30 --wait-workers 120 " + fixture_flags() +
                                  " --generate --class 3 --seed 7 --screenshot " + png + " --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(load_png(png).width, 1600) << "no PNG at " << png;
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  EXPECT_EQ(report_text(j, "family"), "var");
  EXPECT_EQ(report_text(j, "model_open"), "true");
  EXPECT_EQ(report_text(j, "scales_done"), "7");
  EXPECT_EQ(report_text(j, "attention_captured"), "true");
  // What the default VAR layout drew: every scale in the strip, the last scale's map
  // (8×8 queries over the 155 keys of all scales) with its block × head grid, and the
  // gauges' rows (the fixture's 2 blocks × heads).
  EXPECT_EQ(report_text(j, "panels.generation.class"), "3");
  EXPECT_EQ(report_text(j, "panels.generation.seed"), "7");
  EXPECT_EQ(report_text(j, "panels.strip.visible"), "true");
  EXPECT_EQ(report_text(j, "panels.strip.scales_drawn"), "7");
  EXPECT_EQ(report_text(j, "panels.attention.map_drawn"), "true");
  EXPECT_EQ(report_text(j, "panels.attention.module"), "var");
  EXPECT_EQ(report_text(j, "panels.attention.scale"), "7");
  EXPECT_EQ(report_text(j, "panels.attention.queries"), "64");
  EXPECT_EQ(report_text(j, "panels.attention.keys"), "155");
  EXPECT_EQ(report_text(j, "panels.attention.grid"), "true");
  EXPECT_NE(report_text(j, "panels.gauges.rows.var"), "0");
  EXPECT_NE(report_text(j, "panels.gauges.rows.var"), "");
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
  ASSERT_EQ(r.exit_code, 6) << r.output;  // a headless run that could not open its model
  EXPECT_NE(r.output.find("varscope: cannot open the model: "), std::string::npos) << r.output;
  const std::string json = read_text(report);
  EXPECT_NE(json.find("\"model_open\": false"), std::string::npos) << json;
  EXPECT_EQ(json.find("\"load_error\": \"\""), std::string::npos) << "no loader error reported: " << json;
  EXPECT_NE(json.find("gui_test_corrupt.safetensors"), std::string::npos) << json;
  // The Generation panel shows it (what it drew is in its report).
  const vs::io::json::Value j = vs::io::json::parse(json);
  EXPECT_NE(report_text(j, "panels.generation.error").find("gui_test_corrupt.safetensors"), std::string::npos) << json;
}

TEST(GuiGeneration, MissingVaeIsAnErrorNotACrash) {
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_missing.json";
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 10 --wait-workers 30 --model " + kFixture + "/var.pth --vae /nonexistent/vae.pth "
                                  "--patch-nums 1,2,3,4,5,6,8 --report-json " + report);
  ASSERT_EQ(r.exit_code, 6) << r.output;
  const std::string json = read_text(report);
  EXPECT_NE(json.find("/nonexistent/vae.pth"), std::string::npos) << json;
  EXPECT_NE(json.find("\"model_open\": false"), std::string::npos) << json;
}

TEST(GuiGeneration, NamedPipesAsModelVaeOrImageEndInErrorsNotHangs) {
  const std::string fifo = std::string(GUI_OUTPUT_DIR) + "/gui_test.fifo";
  std::remove(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string model = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/fmnist-var.safetensors";
  for (const std::string& flags : {"--model " + fifo, "--model " + model + " --vae " + fifo, "--model " + model + " --image " + fifo}) {
    SCOPED_TRACE(flags);
    const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_fifo.json";
    std::remove(report.c_str());
    // `timeout`: a hang fails the test instead of the whole run.
    const ProcessResult r = run_gui_with_timeout(60, "--frames 10 --wait-workers 30 " + flags + " --report-json " + report);
    ASSERT_EQ(r.exit_code, 6) << r.output;
    const std::string json = read_text(report);
    EXPECT_NE(json.find("named pipe"), std::string::npos) << json << r.output;
  }
  std::remove(fifo.c_str());
}

TEST(GuiGeneration, PolyAutoShowsTheDegreeAndRankItChose) {
  const std::string model = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/fmnist-var.safetensors";
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_poly_auto.json";
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 20 --wait-workers 120 --model " + model +
                                  " --attention poly:auto --generate --class 2 --seed 4 --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  EXPECT_EQ(report_text(j, "attention"), "poly:auto");
  EXPECT_EQ(report_text(j, "scales_done"), "7");
  // Every row-0 call reported its choice: a degree of at least 1 and a rank.
  EXPECT_NE(report_text(j, "variant_report.calls"), "0");
  EXPECT_GE(std::stoi(report_text(j, "variant_report.min_degree")), 1);
  EXPECT_GE(std::stoi(report_text(j, "variant_report.max_rank")), 1);
  // A bad spec is refused before any window, naming it.
  const ProcessResult bad = run_gui("--attention poly:degree=banana --frames 2");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("banana"), std::string::npos) << bad.output;
}

TEST(GuiGeneration, OpensAndGeneratesWithBf16Weights) {
  const std::string model = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/fmnist-var.safetensors";
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_bf16.json";
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 20 --wait-workers 120 --model " + model +
                                  " --precision bf16 --generate --class 2 --seed 4 --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  EXPECT_EQ(report_text(j, "panels.generation.precision"), "bf16");
  EXPECT_EQ(report_text(j, "scales_done"), "7");
}
