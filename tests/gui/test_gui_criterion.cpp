// The Criterion panel under Xvfb (--criterion N): the shipped fmnist-var's every head at
// every scale, and the same verdict as `varscope-cli criterion --samples N`, because both
// sample the same request; its exports are the CLI's files.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "core/io/json.h"
#include "report_json.h"
#include "run_process.h"

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(GuiCriterion, EveryHeadAndTheCliVerdict) {
  const std::string model = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/fmnist-var.safetensors";
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_criterion.json";
  std::remove(report.c_str());
  const ProcessResult r = run_process(std::string(XVFB_RUN) + " -a -s \"-screen 0 1024x700x24\" " + VARSCOPE_GUI +
                                      " --frames 20 --wait-workers 120 --size 1024x700 --model " + model +
                                      " --criterion 3 --report-json " + report + " 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  EXPECT_EQ(report_text(j, "panels.criterion.shown"), "true");
  EXPECT_EQ(report_text(j, "panels.criterion.finished"), "true");
  EXPECT_EQ(report_text(j, "panels.criterion.rows"), "56");  // 7 scales × 4 blocks × 2 heads
  EXPECT_EQ(report_text(j, "panels.criterion.heads_drawn"), "56");
  const ProcessResult cli = run_process(std::string(VARSCOPE_CLI) + " criterion --model " + model + " --samples 3 2>&1");
  ASSERT_EQ(cli.exit_code, 0) << cli.output;
  const std::string verdict = report_text(j, "panels.criterion.verdict");
  ASSERT_FALSE(verdict.empty());
  EXPECT_NE(cli.output.find("verdict: " + verdict), std::string::npos) << verdict << "\n" << cli.output;
}

}  // namespace
