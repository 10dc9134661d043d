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

#include "core/io/json.h"
#include "report_json.h"
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

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST(GuiOwnImage, EncodesAndRegeneratesBeforeTheScreenshot) {
  const std::string picture = write_picture();
  const std::string png = std::string(GUI_OUTPUT_DIR) + "/gui_test_own_image.png";
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_own_image.json";
  std::remove(png.c_str());
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 30 --wait-workers 120 " + fixture_flags() + " --image " + picture +
                                  " --keep-scales 3 --class 2 --seed 4 --screenshot " + png + " --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("7 scales encoded (VAR), regenerated keeping 3 scales"), std::string::npos) << r.output;
  ASSERT_EQ(load_png(png).width, 1600) << "no PNG at " << png;
  // The Your image tab in front of the strip drew the three pictures (original, kept,
  // regenerated) and all 7 scales of the token pyramid.
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  EXPECT_EQ(report_text(j, "panels.own_image.shown"), "true");
  EXPECT_EQ(report_text(j, "panels.strip.visible"), "true");  // a tab behind it
  EXPECT_EQ(report_text(j, "panels.own_image.encoded"), "true");
  EXPECT_EQ(report_text(j, "panels.own_image.scales"), "7");
  EXPECT_EQ(report_text(j, "panels.own_image.pictures_drawn"), "3");
  EXPECT_EQ(report_text(j, "panels.own_image.pyramid_drawn"), "7");
}

TEST(GuiOwnImage, UnreadableImageIsAnErrorNotACrash) {
  const std::string bad = std::string(GUI_OUTPUT_DIR) + "/gui_own_image_bad.jpg";
  {
    std::ofstream out(bad, std::ios::binary);
    out << "\xff\xd8\xff not really a JPEG";
  }
  const std::string png = std::string(GUI_OUTPUT_DIR) + "/gui_test_own_image_bad.png";
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_own_image_bad.json";
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 20 --wait-workers 60 " + fixture_flags() + " --image " + bad +
                                  " --keep-scales 2 --screenshot " + png + " --report-json " + report);
  ASSERT_EQ(r.exit_code, 6) << r.output;
  EXPECT_NE(r.output.find("image error:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("gui_own_image_bad.jpg"), std::string::npos) << r.output;
  // The panel shows the error (what it drew is in its report).
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  EXPECT_NE(report_text(j, "panels.own_image.error_shown").find("gui_own_image_bad.jpg"), std::string::npos)
      << read_text(report);
}

TEST(GuiOwnImage, EditsABoxBeforeTheScreenshot) {
  const std::string picture = write_picture();
  const std::string png = std::string(GUI_OUTPUT_DIR) + "/gui_test_own_image_edit.png";
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_own_image_edit.json";
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 30 --wait-workers 120 " + fixture_flags() + " --image " + picture +
                                  " --edit-box 0,0,0.5,1 --edit-count 3 --seed 4 --screenshot " + png +
                                  " --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("edited (in-painting, 3 results, seed 4)"), std::string::npos) << r.output;
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  EXPECT_EQ(report_text(j, "panels.own_image.mode"), "edit");
  EXPECT_EQ(report_text(j, "panels.own_image.edit_finished"), "true");
  EXPECT_EQ(report_text(j, "panels.own_image.edit_results"), "3");
  // The fixture's last scale is 8×8: the top half is 32 tokens, as `edit --box 0,0,0.5,1`.
  EXPECT_EQ(report_text(j, "panels.own_image.generated_tokens"), "32");
  EXPECT_EQ(report_text(j, "panels.own_image.pyramid_drawn"), "7");
}

TEST(GuiOwnImage, UnreadableEditMaskIsAnError) {
  const std::string picture = write_picture();
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_own_image_bad_mask.json";
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 10 --wait-workers 60 " + fixture_flags() + " --image " + picture +
                                  " --edit-mask /nonexistent/mask.png --report-json " + report);
  EXPECT_EQ(r.exit_code, 6) << r.output;
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  EXPECT_NE(report_text(j, "panels.own_image.edit_error").find("/nonexistent/mask.png"), std::string::npos)
      << read_text(report);
}

TEST(GuiOwnImage, ANonSquarePictureSaysSoAndIsPaddedOnRequest) {
  const std::string path = std::string(GUI_OUTPUT_DIR) + "/gui_own_image_wide.png";
  std::vector<unsigned char> rgb(size_t(300) * 200 * 3, 40);
  stbi_write_png(path.c_str(), 300, 200, 3, rgb.data(), 300 * 3);
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_own_image_wide.json";
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 15 --wait-workers 60 " + fixture_flags() + " --image " + path +
                                  " --fit pad --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  EXPECT_EQ(report_text(j, "panels.own_image.source_size"), "300x200");
  EXPECT_EQ(report_text(j, "panels.own_image.fit"), "pad");
  const ProcessResult bad = run_process(std::string(VARSCOPE_GUI) + " --fit stretch 2>&1");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
}

TEST(GuiOwnImage, KeepScalesNeedsAnImage) {
  const ProcessResult r = run_process(std::string(VARSCOPE_GUI) + " --keep-scales 2 2>&1");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--keep-scales"), std::string::npos) << r.output;
}
