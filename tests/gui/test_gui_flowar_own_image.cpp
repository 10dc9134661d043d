// "Your image" in FlowAR mode under Xvfb: the shipped fmnist-flowar opens (detected as
// FlowAR), a PNG written here is encoded with its KL VAE into the latent pyramid (--image),
// regenerated keeping its first scale (--keep-scales 1) before the screenshot, and the run
// says so on stderr.
#include <gtest/gtest.h>
#include <stb_image_write.h>

#include <cstdio>
#include <string>
#include <vector>

#include "report_json.h"
#include "screenshot_runner.h"

namespace {

// A 64×64 picture: a bright shirt-like block on a dark background.
std::string write_picture() {
  const std::string path = std::string(GUI_OUTPUT_DIR) + "/gui_flowar_own_image_input.png";
  const int side = 64;
  std::vector<unsigned char> rgb(size_t(side) * side * 3);
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) {
      const bool body = x > 18 && x < 46 && y > 10 && y < 58, sleeves = y > 10 && y < 30 && x > 6 && x < 58;
      unsigned char* p = &rgb[(size_t(y) * side + x) * 3];
      p[0] = p[1] = p[2] = (body || sleeves) ? (unsigned char)(200 + (x % 7) * 6) : 10;
    }
  stbi_write_png(path.c_str(), side, side, 3, rgb.data(), side * 3);
  return path;
}

}  // namespace

TEST(GuiFlowArOwnImage, EncodesAndRegeneratesBeforeTheScreenshot) {
  const std::string model = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/fmnist-flowar.safetensors";
  const std::string png = std::string(GUI_OUTPUT_DIR) + "/gui_test_flowar_own_image.png";
  const std::string report = std::string(GUI_OUTPUT_DIR) + "/gui_test_flowar_own_image.json";
  std::remove(png.c_str());
  std::remove(report.c_str());
  const ProcessResult r = run_gui("--frames 30 --wait-workers 200 --model " + model + " --image " + write_picture() +
                                  " --keep-scales 1 --class 0 --seed 4 --screenshot " + png + " --report-json " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("3 scales encoded (FlowAR), regenerated keeping 1 scales (class 0, seed 4)"), std::string::npos)
      << r.output;
  ASSERT_EQ(load_png(png).width, 1600) << "no PNG at " << png;
  // The Your image tab drew its three pictures and the 3 scales of the latent pyramid.
  const vs::io::json::Value j = vs::io::json::parse(read_text(report));
  EXPECT_EQ(report_text(j, "panels.own_image.shown"), "true");
  EXPECT_EQ(report_text(j, "panels.own_image.scales"), "3");
  EXPECT_EQ(report_text(j, "panels.own_image.pictures_drawn"), "3");
  EXPECT_EQ(report_text(j, "panels.own_image.pyramid_drawn"), "3");
}
