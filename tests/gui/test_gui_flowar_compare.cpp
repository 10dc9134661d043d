// "Exact vs approximate" in FlowAR mode under Xvfb: the shipped fmnist-flowar generates,
// then --compare regenerates the same class and seed with a Performer approximation before
// the screenshot. The --report-json file, parsed with the project's JSON reader, holds the
// comparison the panel shows: one row per scale, the images equal at the first scale
// (one token from the same class), drifting by the last, the latent tokens' error.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "core/io/json.h"
#include "screenshot_runner.h"

TEST(GuiFlowArCompare, ComparesTheGenerationWithAnApproximation) {
  const std::string model = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/fmnist-flowar.safetensors";
  const std::string png = std::string(GUI_OUTPUT_DIR) + "/gui_test_flowar_compare.png";
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_flowar_compare.json";
  std::remove(png.c_str());
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 30 --wait-workers 200 --model " + model +
                                  " --generate --class 3 --seed 7 --compare performer:features=4 --screenshot " + png +
                                  " --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(load_png(png).width, 1600) << "no PNG at " << png;
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  EXPECT_EQ(j.find("family")->text, "flowar");
  const vs::io::json::Value* compare = j.find("compare");
  ASSERT_TRUE(compare && compare->kind == vs::io::json::Value::Kind::Object) << read_text(report);
  EXPECT_EQ(compare->find("family")->text, "flowar");
  EXPECT_EQ(compare->find("class")->text, "3");
  EXPECT_EQ(compare->find("seed")->text, "7");
  EXPECT_EQ(compare->find("reference_variant")->text, "exact");
  EXPECT_EQ(compare->find("approx_variant")->text, "performer:features=4");
  const vs::io::json::Value* scales = compare->find("scales");
  ASSERT_TRUE(scales && scales->array.size() == 3u);
  EXPECT_EQ(scales->array[2].find("side")->text, "4");
  EXPECT_GT(std::stod(scales->array[2].find("image_error")->text), 0.0) << "the approximation drifts by the last scale";
  EXPECT_GT(std::stod(scales->array[2].find("token_error")->text), 0.0);
}
