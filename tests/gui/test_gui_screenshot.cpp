// The real UI under Xvfb: the explorer renders, writes a PNG of its framebuffer and exits
// 0; the PNG has the window's size and each panel's region has content (not one colour).
#include <gtest/gtest.h>
#include <stb_image.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <string>

#include "run_process.h"

namespace {

struct Image {
  int width = 0, height = 0;
  std::vector<unsigned char> rgb;  // (height, width, 3)
};

Image load_png(const std::string& path) {
  Image image;
  int channels = 0;
  unsigned char* data = stbi_load(path.c_str(), &image.width, &image.height, &channels, 3);
  if (!data) return image;
  image.rgb.assign(data, data + size_t(image.width) * image.height * 3);
  stbi_image_free(data);
  return image;
}

// Distinct colours in a region given as fractions of the image (coarsely quantised, so
// anti-aliasing noise alone does not count as content).
size_t distinct_colors(const Image& image, double x0, double y0, double x1, double y1) {
  std::set<int> colors;
  for (int y = int(y0 * image.height); y < int(y1 * image.height); ++y)
    for (int x = int(x0 * image.width); x < int(x1 * image.width); ++x) {
      const unsigned char* p = &image.rgb[(size_t(y) * image.width + x) * 3];
      colors.insert((p[0] >> 4) << 8 | (p[1] >> 4) << 4 | (p[2] >> 4));
    }
  return colors.size();
}

ProcessResult run_gui(const std::string& arguments) {
  return run_process(std::string(XVFB_RUN) + " -a -s \"-screen 0 1600x1000x24\" " + VARSCOPE_GUI + " " + arguments +
                     " 2>&1");
}

}  // namespace

TEST(GuiScreenshot, MainWindowHasEveryPanel) {
  const std::string path = std::string(GUI_OUTPUT_DIR) + "/gui_test_main.png";
  std::remove(path.c_str());
  const ProcessResult r = run_gui("--frames 20 --workspace theory --screenshot " + path);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Image image = load_png(path);
  ASSERT_EQ(image.width, 1600) << "no PNG at " << path;
  ASSERT_EQ(image.height, 1000);
  EXPECT_GT(distinct_colors(image, 0, 0, 1, 1), 20u) << "screenshot is (nearly) one colour";
  // Theory workspace: theory on the left 37 %, scaling top-right, phase bottom-right.
  EXPECT_GT(distinct_colors(image, 0.02, 0.05, 0.35, 0.95), 8u) << "theory panel region is blank";
  EXPECT_GT(distinct_colors(image, 0.40, 0.05, 0.98, 0.55), 8u) << "scaling panel region is blank";
  EXPECT_GT(distinct_colors(image, 0.40, 0.65, 0.98, 0.95), 8u) << "phase panel region is blank";
}

TEST(GuiScreenshot, SinglePanelAtRequestedSize) {
  const std::string path = std::string(GUI_OUTPUT_DIR) + "/gui_test_theory.png";
  std::remove(path.c_str());
  const ProcessResult r = run_gui("--frames 5 --panel theory --size 1200x800 --screenshot " + path);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Image image = load_png(path);
  ASSERT_EQ(image.width, 1200) << "no PNG at " << path;
  ASSERT_EQ(image.height, 800);
  EXPECT_GT(distinct_colors(image, 0.0, 0.05, 0.5, 0.5), 8u);
  EXPECT_GT(distinct_colors(image, 0.5, 0.05, 1.0, 0.5), 8u);
}

// The default (VAR) workspace without a model: the generation panel explains how to open
// one, and no panel is blank.
TEST(GuiScreenshot, NoModelShowsTheOpenPrompt) {
  const std::string path = std::string(GUI_OUTPUT_DIR) + "/gui_test_no_model.png";
  std::remove(path.c_str());
  const ProcessResult r = run_gui("--frames 10 --model /nonexistent/none.safetensors --screenshot " + path);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Image image = load_png(path);
  ASSERT_EQ(image.width, 1600) << "no PNG at " << path;
  EXPECT_GT(distinct_colors(image, 0.01, 0.05, 0.24, 0.6), 4u) << "generation panel is blank";
  EXPECT_GT(distinct_colors(image, 0.26, 0.02, 0.69, 0.5), 1u) << "strip panel is blank";
}

TEST(GuiScreenshot, UnwritablePathFailsCleanly) {
  const ProcessResult r = run_gui("--frames 2 --screenshot /nonexistent-dir/x.png");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("/nonexistent-dir/x.png"), std::string::npos) << r.output;
}
