// What the screenshot tests share: run the explorer under xvfb-run, load the PNG it wrote,
// count the distinct colours of a region (is a panel drawn at all?), read its JSON report.
// Needs XVFB_RUN and VARSCOPE_GUI defined by the test's CMake target.
#pragma once
#include <stb_image.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "run_process.h"

struct ScreenshotImage {
  int width = 0, height = 0;
  std::vector<unsigned char> rgb;  // (height, width, 3)
};

inline ScreenshotImage load_png(const std::string& path) {
  ScreenshotImage image;
  int channels = 0;
  unsigned char* data = stbi_load(path.c_str(), &image.width, &image.height, &channels, 3);
  if (!data) return image;
  image.rgb.assign(data, data + size_t(image.width) * image.height * 3);
  stbi_image_free(data);
  return image;
}

// Distinct colours in a region given as fractions of the image (coarsely quantised, so
// anti-aliasing noise alone does not count as content).
inline size_t distinct_colors(const ScreenshotImage& image, double x0, double y0, double x1, double y1) {
  std::set<int> colors;
  for (int y = int(y0 * image.height); y < int(y1 * image.height); ++y)
    for (int x = int(x0 * image.width); x < int(x1 * image.width); ++x) {
      const unsigned char* p = &image.rgb[(size_t(y) * image.width + x) * 3];
      colors.insert((p[0] >> 4) << 8 | (p[1] >> 4) << 4 | (p[2] >> 4));
    }
  return colors.size();
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The explorer with `arguments` on a 1600×1000 virtual screen; stdout and stderr together.
inline ProcessResult run_gui(const std::string& arguments) {
  return run_process(std::string(XVFB_RUN) + " -a -s \"-screen 0 1600x1000x24\" " + VARSCOPE_GUI + " " + arguments +
                     " 2>&1");
}

// The same, killed after `seconds` (exit code 137 then): a hang fails a test, not the run.
inline ProcessResult run_gui_with_timeout(int seconds, const std::string& arguments) {
  return run_process("timeout -s KILL " + std::to_string(seconds) + " " + XVFB_RUN + " -a -s \"-screen 0 1600x1000x24\" " +
                     VARSCOPE_GUI + " " + arguments + " 2>&1");
}
