// Every chapter of the Lessons workspace under Xvfb: --lesson N --run-lesson presses its
// "Run it" on the shipped models; the report must show the chapter, the run done, the
// numbers its text quotes computed (no placeholder left as "…"), and the panel beside it
// drawn. Screenshots at 1024×700 and 1600×1000 go to the build folder for a look.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "core/io/json.h"
#include "report_json.h"
#include "screenshot_runner.h"

namespace {

struct LessonRun {
  vs::io::json::Value report;
  std::string output;
};

LessonRun run_lesson(int chapter, const std::string& size, const std::string& extra = "") {
  const std::string stem = std::string(GUI_OUTPUT_DIR) + "/gui_test_lesson" + std::to_string(chapter) + "_" + size;
  const std::string png = stem + ".png", report = stem + ".json";
  std::remove(png.c_str());
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--lesson " + std::to_string(chapter) + " --run-lesson --frames 12 --wait-workers 400 --size " +
                                  size + " " + extra + " --screenshot " + png + " --report-json " + report);
  LessonRun run;
  run.output = r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(load_png(png).width, std::stoi(size.substr(0, size.find('x')))) << "no PNG at " << png;
  run.report = vs::io::json::parse(read_text(report));
  return run;
}

// The chapter's run finished and left no placeholder without a value.
void expect_done(const LessonRun& run, int chapter) {
  const vs::io::json::Value& j = run.report;
  EXPECT_EQ(report_text(j, "panels.lessons.chapter"), std::to_string(chapter));
  EXPECT_EQ(report_text(j, "panels.lessons.chapters"), "8");
  EXPECT_EQ(report_text(j, "panels.lessons.shown"), "true");
  EXPECT_EQ(report_text(j, "panels.lessons.run"), "done") << report_text(j, "panels.lessons.run_error");
  const vs::io::json::Value* missing = report_member(j, "panels.lessons.missing");
  ASSERT_NE(missing, nullptr);
  std::string names;
  for (const auto& m : missing->array) names += m.text + " ";
  EXPECT_TRUE(missing->array.empty()) << "unfilled: " << names;
}

std::string value(const LessonRun& run, const std::string& name) {
  return report_text(run.report, "panels.lessons.values." + name);
}

}  // namespace

TEST(GuiLessons, Chapter1GeneratesAndShowsTheStripBeside) {
  const LessonRun run = run_lesson(1, "1024x700");
  expect_done(run, 1);
  EXPECT_EQ(value(run, "frames_done"), value(run, "num_scales"));
  EXPECT_FALSE(value(run, "tokens_total").empty());
  EXPECT_EQ(report_text(run.report, "panels.lessons.companion"), "strip");
  EXPECT_EQ(report_text(run.report, "panels.strip.shown"), "true");
  EXPECT_EQ(report_text(run.report, "panels.strip.scales_drawn"), value(run, "num_scales"));
}

TEST(GuiLessons, Chapter2CountsPairsAndMeasuresExactAttention) {
  const LessonRun run = run_lesson(2, "1600x1000");
  expect_done(run, 2);
  EXPECT_FALSE(value(run, "pairs_kv").empty());
  const double slope = std::stod(value(run, "exact_slope"));
  EXPECT_GT(slope, 1.0);  // time grows with n (4 in the count; overheads lower it at small n)
  EXPECT_LT(slope, 6.0);
}

TEST(GuiLessons, Chapter3FillsTheCalculatorBesideTheTheoryPanel) {
  const LessonRun run = run_lesson(3, "1024x700");
  expect_done(run, 3);
  EXPECT_FALSE(value(run, "cheb_rank").empty());
  EXPECT_FALSE(value(run, "exponent_at_L").empty());
  EXPECT_EQ(report_text(run.report, "panels.theory.shown"), "true");
}

TEST(GuiLessons, Chapter4MeasuresErrorGrowingWithTheEntries) {
  const LessonRun run = run_lesson(4, "1600x1000");
  expect_done(run, 4);
  EXPECT_LT(std::stod(value(run, "poly_err_small")), std::stod(value(run, "poly_err_large")));
  EXPECT_EQ(report_text(run.report, "panels.phase.shown"), "true");
}

TEST(GuiLessons, Chapter5CountsTheLoadedModelsHeadsPerZone) {
  const LessonRun run = run_lesson(5, "1024x700");
  expect_done(run, 5);
  const int total = std::stoi(value(run, "heads_total"));
  EXPECT_GT(total, 0);
  EXPECT_EQ(std::stoi(value(run, "heads_zone1")) + std::stoi(value(run, "heads_zone2")) + std::stoi(value(run, "heads_zone3")),
            total);
  EXPECT_EQ(report_text(run.report, "panels.gauges.shown"), "true");
}

TEST(GuiLessons, Chapter6OpensTheShippedFlowArAndGenerates) {
  const LessonRun run = run_lesson(6, "1600x1000");
  expect_done(run, 6);
  EXPECT_EQ(value(run, "family"), "FlowAR");
  EXPECT_EQ(value(run, "frames_done"), value(run, "flowar_num_scales"));
  EXPECT_NE(value(run, "flowar_pairs_all"), value(run, "flowar_pairs_step"));
  EXPECT_EQ(report_text(run.report, "family"), "flowar");
}

TEST(GuiLessons, Chapter7DepthBudgetGrowsWithLayersNotSide) {
  const LessonRun run = run_lesson(7, "1024x700");
  expect_done(run, 7);
  EXPECT_EQ(value(run, "depth_double_side"), value(run, "depth_total"));
  EXPECT_NE(value(run, "depth_double_layers"), value(run, "depth_total"));
}

TEST(GuiLessons, Chapter8RunsAnAccelerationAgainstExactBeside) {
  const LessonRun run = run_lesson(8, "1600x1000", "--presenter");
  expect_done(run, 8);
  EXPECT_NE(value(run, "methods_status").find("fastvar+skip:after=-2"), std::string::npos);
  EXPECT_EQ(report_text(run.report, "panels.lessons.presenter"), "true");
  // The Accelerate panel beside ran the chapter's spec against the exact run.
  EXPECT_EQ(report_text(run.report, "panels.lessons.companion"), "accelerate");
  EXPECT_EQ(report_text(run.report, "panels.accelerate.shown"), "true");
  EXPECT_EQ(report_text(run.report, "panels.accelerate.spec"), "fastvar+skip:after=-2");
  EXPECT_EQ(report_text(run.report, "panels.accelerate.runs"), "1");
  EXPECT_EQ(report_text(run.report, "panels.accelerate.skipped_scales"), "1");
  EXPECT_NE(report_text(run.report, "panels.accelerate.pruned_scales"), "0");
}

// A finished run stays with its chapter while the reader looks at another one.
TEST(GuiLessons, AChaptersResultIsKeptWhenComingBack) {
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_lesson_kept.json";
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--lesson 2 --run-lesson --frames 12 --wait-workers 300 --size 1024x700 "
                                  "--keys 1:right,3:left --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  EXPECT_EQ(report_text(j, "panels.lessons.chapter"), "2");
  EXPECT_EQ(report_text(j, "panels.lessons.run"), "done");
}

// Chapter 6 opens the shipped FlowAR; leaving it opens the reader's model again.
TEST(GuiLessons, LeavingChapter6GivesBackTheModel) {
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_lesson6_back.json";
  std::remove(report.c_str());
  const std::string model = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/fmnist-var.safetensors";
  const ProcessResult r = run_gui("--model " + model + " --lesson 6 --run-lesson --frames 12 --wait-workers 300 "
                                  "--size 1024x700 --keys 1:right --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  EXPECT_EQ(report_text(j, "panels.lessons.chapter"), "7");
  EXPECT_EQ(report_text(j, "family"), "var");
}

TEST(GuiLessons, ArrowKeysStepChapters) {
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_lesson_keys.json";
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--lesson 2 --frames 6 --size 1024x700 --keys 1:right,2:right,3:left --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  EXPECT_EQ(report_text(j, "panels.lessons.chapter"), "3");
  EXPECT_EQ(report_text(j, "panels.lessons.run"), "idle");
}
