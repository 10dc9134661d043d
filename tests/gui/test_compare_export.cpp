// The "Exact vs approximate" error exports, without a window: one row per scale both runs
// have, with the numbers the panel's table shows (VAR: image error and the fraction of
// equal tokens; FlowAR: image error and the latent tokens' relative error); every row
// carries the run's parameters (a comma in a path quoted); the JSON parses and holds the
// same numbers, a NaN as null; the files land in the working directory; a real comparison
// on the shipped fmnist-flowar exports one row per scale with its numbers.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <limits>
#include <fstream>
#include <sstream>
#include <thread>

#include "app/gui/export/compare_export.h"
#include "app/gui/export/export_folder.h"
#include "app/gui/workers/background_job.h"
#include "app/gui/session/image_compare.h"
#include "core/io/json.h"
#include "tests/gui/text_lines.h"

using namespace vs::gui;

namespace {

CompareFrame frame(int scale, int side, std::vector<uint8_t> ref_rgb, std::vector<uint8_t> approx_rgb,
                   double same_tokens, double token_error) {
  CompareFrame f;
  f.scale = scale, f.side = side, f.num_scales = 3, f.image_side = 1;
  f.reference_rgb = std::move(ref_rgb), f.approx_rgb = std::move(approx_rgb);
  f.image_error = relative_l2_error(f.reference_rgb, f.approx_rgb);
  f.same_tokens = same_tokens, f.token_error = token_error;
  return f;
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// VAR: 2 scales compared (the approximation still running), the second with 1 of 4 tokens
// changed and a brighter image.
std::vector<CompareFrame> var_frames() {
  return {frame(0, 1, {10, 20, 30}, {10, 20, 30}, 1.0, kNaN), frame(1, 2, {30, 40, 50}, {33, 44, 55}, 0.75, kNaN)};
}

CompareRun var_run() {
  vs::gen::SamplingRequest r;
  r.labels = {4}, r.seed = 17, r.cfg = 2.5, r.attention = "exact";
  r.extra = vs::gen::VarExtra{600, 0.9, false};
  return compare_run("/models/a,b/fmnist-var.safetensors", r, "poly:degree=2");
}

}  // namespace

TEST(CompareExport, VarRowsAreThePanelsNumbers) {
  const std::vector<CompareErrorRow> rows = compare_rows(var_frames());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].scale, 1);
  EXPECT_EQ(rows[1].scale, 2);
  EXPECT_EQ(rows[1].side, 2);
  EXPECT_DOUBLE_EQ(rows[0].image_error, 0.0);
  EXPECT_DOUBLE_EQ(rows[0].token_value, 1.0);
  EXPECT_DOUBLE_EQ(rows[1].image_error, relative_l2_error({30, 40, 50}, {33, 44, 55}));
  EXPECT_GT(rows[1].image_error, 0.05);
  EXPECT_DOUBLE_EQ(rows[1].token_value, 0.75);
}

TEST(CompareExport, VarCsvCarriesTheRunsParametersOnEveryRow) {
  const std::vector<std::string> csv = lines(compare_errors_csv(var_run(), compare_rows(var_frames())));
  ASSERT_EQ(csv.size(), 3u);
  EXPECT_EQ(csv[0], "scale,side,image_error,same_tokens,attention_error,model,class,seed,cfg,top_k,top_p,reference_variant,approx_variant");
  EXPECT_EQ(csv[1], "1,1,0,1,,\"/models/a,b/fmnist-var.safetensors\",4,17,2.5,600,0.9,exact,poly:degree=2");
  EXPECT_EQ(csv[2].rfind("2,2,", 0), 0u) << csv[2];
  EXPECT_NE(csv[2].find(",0.75,,\"/models/a,b/"), std::string::npos) << csv[2];
}

TEST(CompareExport, FlowArRowsAndJsonHoldTheLatentTokenError) {
  vs::gen::SamplingRequest p;
  p.labels = {3}, p.seed = 7, p.cfg = 4.3, p.attention = "exact";
  p.extra = vs::gen::FlowArExtra{25, 0.9};
  const CompareRun run = compare_run("fmnist-flowar.safetensors", p, "performer:features=64");
  const std::vector<CompareFrame> frames = {frame(0, 1, {9, 9, 9}, {9, 9, 9}, kNaN, 0.125),
                                            frame(1, 2, {3, 4, 0}, {3, 4}, kNaN, 0.5)};  // sizes differ
  const std::vector<CompareErrorRow> rows = compare_rows(frames);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].scale, 2);
  EXPECT_DOUBLE_EQ(rows[0].token_value, 0.125);

  const std::vector<std::string> csv = lines(compare_errors_csv(run, rows));
  ASSERT_EQ(csv.size(), 3u);
  EXPECT_EQ(csv[0], "scale,side,image_error,token_error,attention_error,model,class,seed,cfg,steps,guidance,reference_variant,approx_variant");
  EXPECT_EQ(csv[1], "1,1,0,0.125,,fmnist-flowar.safetensors,3,7,4.3,25,0.9,exact,performer:features=64");

  const vs::io::json::Value j = vs::io::json::parse(compare_errors_json(run, rows));
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j.find("family")->text, "flowar");
  EXPECT_EQ(j.find("model")->text, "fmnist-flowar.safetensors");
  EXPECT_EQ(j.find("class")->text, "3");
  EXPECT_EQ(j.find("seed")->text, "7");
  EXPECT_EQ(j.find("cfg")->text, "4.3");
  EXPECT_EQ(j.find("steps")->text, "25");
  EXPECT_EQ(j.find("guidance")->text, "0.9");
  EXPECT_EQ(j.find("reference_variant")->text, "exact");
  EXPECT_EQ(j.find("approx_variant")->text, "performer:features=64");
  const vs::io::json::Value* scales = j.find("scales");
  ASSERT_TRUE(scales && scales->is_array());
  ASSERT_EQ(scales->array.size(), 2u);
  EXPECT_EQ(scales->array[0].find("scale")->text, "1");
  EXPECT_EQ(scales->array[0].find("token_error")->text, "0.125");
  EXPECT_EQ(scales->array[1].find("side")->text, "2");
  EXPECT_EQ(scales->array[1].find("image_error")->kind, vs::io::json::Value::Kind::Null) << "NaN has no JSON spelling";
  EXPECT_EQ(scales->array[1].find("token_error")->text, "0.5");
}

TEST(CompareExport, WritesCsvAndJsonInTheExportFolder) {
  EXPECT_EQ(export_compare_errors(var_run(), {}).rfind("nothing to export", 0), 0u);
  const std::filesystem::path dir = std::filesystem::path(GUI_OUTPUT_DIR) / "compare_export_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  set_export_folder(dir.string());
  const std::string message = export_compare_errors(var_run(), compare_rows(var_frames()));
  ASSERT_EQ(message.rfind("saved ", 0), 0u) << message;
  int csv = 0, json = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    EXPECT_EQ(name.rfind("varscope-var-compare-errors-", 0), 0u) << name;
    EXPECT_NE(message.find(name), std::string::npos) << "the status line names " << name;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    if (entry.path().extension() == ".csv") {
      ++csv;
      EXPECT_EQ(lines(text.str()).size(), 3u);
    }
    if (entry.path().extension() == ".json") {
      ++json;
      const vs::io::json::Value j = vs::io::json::parse(text.str());
      EXPECT_EQ(j.find("top_k")->text, "600");
      EXPECT_EQ(j.find("scales")->array.size(), 2u);
      EXPECT_EQ(j.find("scales")->array[1].find("same_tokens")->text, "0.75");
    }
  }
  EXPECT_EQ(csv, 1);
  EXPECT_EQ(json, 1);
}

TEST(CompareExport, ARealFlowArComparisonExportsEveryScale) {
  const std::unique_ptr<vs::gen::Generator> generator = vs::gen::open_generator("fmnist-flowar");
  vs::gen::SamplingRequest request = generator->default_request();
  request.labels = {7}, request.seed = 3, request.cfg = 3.0;
  std::get<vs::gen::FlowArExtra>(request.extra).steps = 6;
  BackgroundJob<CompareFrame> job;
  job.start([&](BackgroundJob<CompareFrame>::Context& context) {
    run_comparison(*generator, request, "poly:degree=2", context);
  });
  const auto start = std::chrono::steady_clock::now();
  while (job.running() && std::chrono::steady_clock::now() - start < std::chrono::seconds(120))
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::vector<CompareFrame> frames = job.take();
  ASSERT_TRUE(job.error().empty()) << job.error();
  ASSERT_EQ(frames.size(), 3u);
  const CompareRun run = compare_run("fmnist-flowar.safetensors", request, "poly:degree=2");
  const vs::io::json::Value j = vs::io::json::parse(compare_errors_json(run, compare_rows(frames)));
  EXPECT_EQ(j.find("steps")->text, "6");
  const vs::io::json::Value* scales = j.find("scales");
  ASSERT_TRUE(scales && scales->array.size() == 3u);
  for (size_t s = 0; s < 3; ++s) {
    EXPECT_EQ(scales->array[s].find("side")->text, std::to_string(frames[s].side));
    // Numbers are written with 9 significant digits.
    EXPECT_NEAR(std::stod(scales->array[s].find("token_error")->text), frames[s].token_error, 1e-8);
    EXPECT_NEAR(std::stod(scales->array[s].find("image_error")->text),
                relative_l2_error(frames[s].reference_rgb, frames[s].approx_rgb), 1e-8);
  }
  EXPECT_GT(frames.back().token_error, 0.0) << "the approximation drifts by the last scale";
  EXPECT_EQ(lines(compare_errors_csv(run, compare_rows(frames))).size(), 4u);
}
