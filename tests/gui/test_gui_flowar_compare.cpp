// "Exact vs approximate" in FlowAR mode under Xvfb: the shipped fmnist-flowar generates,
// then --compare regenerates the same class and seed with a Performer approximation before
// the screenshot: both images, the difference map and the per-scale table are on screen.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "screenshot_runner.h"

TEST(GuiFlowArCompare, ComparesTheGenerationWithAnApproximation) {
  const std::string model = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/fmnist-flowar.safetensors";
  const std::string png = std::string(GUI_OUTPUT_DIR) + "/gui_test_flowar_compare.png";
  std::remove(png.c_str());
  const ProcessResult r = run_gui("--frames 30 --wait-workers 200 --model " + model +
                                  " --generate --class 3 --seed 7 --compare performer:features=4 --screenshot " + png);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const ScreenshotImage image = load_png(png);
  ASSERT_EQ(image.width, 1600) << "no PNG at " << png;
  // The comparison shares the inspector's place (25 %–70 % wide, lower 45 %).
  EXPECT_GT(distinct_colors(image, 0.26, 0.62, 0.69, 0.85), 30u) << "no images in the comparison";
  EXPECT_GT(distinct_colors(image, 0.26, 0.85, 0.69, 0.97), 4u) << "no per-scale table";
}
