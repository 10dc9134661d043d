#include "app/gui/shell/fonts.h"

#include <sys/stat.h>

#include <string>

namespace vs::gui {

namespace {

Fonts g_fonts;

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Latin, combining marks (the hat of β̂), Greek, general punctuation (– — …),
// super/subscripts (⁴ ⁻), arrows, math operators, box drawing and geometric shapes.
const ImWchar kGlyphRanges[] = {
    0x0020, 0x00FF, 0x0300, 0x036F, 0x0370, 0x03FF, 0x2000, 0x206F, 0x2070, 0x209F,
    0x2190, 0x21FF, 0x2200, 0x22FF, 0x2500, 0x257F, 0x25A0, 0x25FF, 0,
};

}  // namespace

const Fonts& fonts() { return g_fonts; }

Fonts load_fonts(float content_scale) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  const float size = 15.0f * content_scale;
  const std::string dir = "/usr/share/fonts/truetype/dejavu/";
  Fonts f;
  if (file_exists(dir + "DejaVuSans.ttf")) {
    ImFontConfig config;
    config.OversampleH = 2;
    f.regular = io.Fonts->AddFontFromFileTTF((dir + "DejaVuSans.ttf").c_str(), size, &config, kGlyphRanges);
    if (file_exists(dir + "DejaVuSans-Bold.ttf"))
      f.heading = io.Fonts->AddFontFromFileTTF((dir + "DejaVuSans-Bold.ttf").c_str(), size * 1.15f, &config, kGlyphRanges);
    if (file_exists(dir + "DejaVuSansMono.ttf"))
      f.mono = io.Fonts->AddFontFromFileTTF((dir + "DejaVuSansMono.ttf").c_str(), size, &config, kGlyphRanges);
    f.dejavu = f.regular != nullptr;
  }
  if (!f.regular) {
    ImFontConfig config;
    config.SizePixels = 13.0f * content_scale;
    f.regular = io.Fonts->AddFontDefault(&config);
  }
  if (!f.heading) f.heading = f.regular;
  if (!f.mono) f.mono = f.regular;
  io.FontDefault = f.regular;
  g_fonts = f;
  return f;
}

}  // namespace vs::gui
