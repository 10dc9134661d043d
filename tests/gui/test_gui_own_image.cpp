// "Your image" under Xvfb: the explorer opens the d2_l2 fixture (random weights: the
// pictures are noise), encodes a PNG written here (--image), regenerates it keeping its
// first 3 token maps (--keep-scales 3) before the screenshot, and says so on stderr; an
// unreadable image is an error in the panel (and on stderr), never a crash.
#include <gtest/gtest.h>
#include <stb_image.h>
#include <stb_image_write.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "run_process.h"

namespace {

const std::string kFixture = std::string(VARSCOPE_SHARED_DIR) + "/fixtures/var/d2_l2";

struct Image {
  int width = 0, height = 0;
  std::vector<unsigned char> rgb;
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

size_t distinct_colors(const Image& image, double x0, double y0, double x1, double y1) {
  std::set<int> colors;
  for (int y = int(y0 * image.height); y < int(y1 * image.height); ++y)
    for (int x = int(x0 * image.width); x < int(x1 * image.width); ++x) {
      const unsigned char* p = &image.rgb[(size_t(y) * image.width + x) * 3];
      colors.insert((p[0] >> 4) << 8 | (p[1] >> 4) << 4 | (p[2] >> 4));
    }
  return colors.size();
}

// A 64×64 picture: a bright disc on a gradient.
std::string write_picture() {
  const std::string path = std::string(GUI_OUTPUT_DIR) + "/gui_own_image_input.png";
  const int side = 64;
  std::vector<unsigned char> rgb(size_t(side) * side * 3);
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) {
      unsigned char* p = &rgb[(size_t(y) * side + x) * 3];
      const bool disc = (x - 32) * (x - 32) + (y - 28) * (y - 28) < 15 * 15;
      p[0] = disc ? 240 : (unsigned char)(x * 3), p[1] = disc ? 200 : (unsigned char)(y * 3), p[2] = disc ? 60 : 120;
    }
  stbi_write_png(path.c_str(), side, side, 3, rgb.data(), side * 3);
  return path;
}

ProcessResult run_gui(const std::string& arguments) {
  return run_process(std::string(XVFB_RUN) + " -a -s \"-screen 0 1600x1000x24\" " + VARSCOPE_GUI + " " + arguments +
                     " 2>&1");
}

std::string fixture_flags() {
  return "--model " + kFixture + "/var.pth --vae " + kFixture + "/vae.pth --patch-nums 1,2,3,4,5,6,8";
}

}  // namespace

TEST(GuiOwnImage, EncodesAndRegeneratesBeforeTheScreenshot) {
  const std::string picture = write_picture();
  const std::string png = std::string(GUI_OUTPUT_DIR) + "/gui_test_own_image.png";
  std::remove(png.c_str());
  const ProcessResult r = run_gui("--frames 30 --wait-workers 120 " + fixture_flags() + " --image " + picture +
                                  " --keep-scales 3 --class 2 --seed 4 --screenshot " + png);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("7 scales encoded (VAR), regenerated keeping 3 scales"), std::string::npos) << r.output;
  const Image image = load_png(png);
  ASSERT_EQ(image.width, 1600) << "no PNG at " << png;
  // The panel sits over the strip and the inspector (25 %–70 % of the width): the three
  // pictures in its top half, the token pyramid and reconstructions below them.
  EXPECT_GT(distinct_colors(image, 0.26, 0.05, 0.69, 0.45), 60u) << "no pictures in the Your image panel";
  EXPECT_GT(distinct_colors(image, 0.26, 0.45, 0.69, 0.95), 30u) << "no token pyramid in the Your image panel";
}

TEST(GuiOwnImage, UnreadableImageIsAnErrorNotACrash) {
  const std::string bad = std::string(GUI_OUTPUT_DIR) + "/gui_own_image_bad.jpg";
  {
    std::ofstream out(bad, std::ios::binary);
    out << "\xff\xd8\xff not really a JPEG";
  }
  const std::string png = std::string(GUI_OUTPUT_DIR) + "/gui_test_own_image_bad.png";
  const ProcessResult r = run_gui("--frames 20 --wait-workers 60 " + fixture_flags() + " --image " + bad +
                                  " --keep-scales 2 --screenshot " + png);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("image error:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("gui_own_image_bad.jpg"), std::string::npos) << r.output;
  const Image image = load_png(png);
  ASSERT_EQ(image.width, 1600);
  EXPECT_GT(distinct_colors(image, 0.26, 0.02, 0.69, 0.2), 4u) << "the error is not on screen";
}

TEST(GuiOwnImage, KeepScalesNeedsAnImage) {
  const ProcessResult r = run_process(std::string(VARSCOPE_GUI) + " --keep-scales 2 2>&1");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--keep-scales"), std::string::npos) << r.output;
}
