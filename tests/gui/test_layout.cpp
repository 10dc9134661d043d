// The explorer's default layout at the window sizes users have (1024×700 laptops to
// 2560×1440, and a 2× content scale): every place inside the work area, the generation
// workspace's places tiling it without overlap, the side columns wide enough to read, and
// a resized window keeping each place inside the new area.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/gui/shell/layout.h"

using vs::gui::default_place_rect;
using vs::gui::LayoutRect;
using vs::gui::rescale_rect;

namespace {

struct Screen {
  float w, h, scale;
};
// Work areas: the window less the menu and status bars (about 2 × 22 px per unit of scale).
const std::vector<Screen> kScreens = {{1024, 700 - 44, 1}, {1600, 1000 - 44, 1}, {2560, 1440 - 44, 1}, {2560, 1440 - 88, 2}};
const std::vector<std::string> kGeneration = {"generation", "scales", "inspector", "gauges"};
const std::vector<std::string> kTheory = {"theory", "scaling", "phase"};

bool inside(const LayoutRect& r, float w, float h) {
  return r.x >= 0 && r.y >= 0 && r.right() <= w + 0.5f && r.bottom() <= h + 0.5f && r.w > 0 && r.h > 0;
}

bool overlap(const LayoutRect& a, const LayoutRect& b) {
  return a.x < b.right() - 0.5f && b.x < a.right() - 0.5f && a.y < b.bottom() - 0.5f && b.y < a.bottom() - 0.5f;
}

float area(const LayoutRect& r) { return r.w * r.h; }

}  // namespace

TEST(Layout, PlacesTileTheWorkAreaAtEverySize) {
  for (const Screen& s : kScreens) {
    SCOPED_TRACE(std::to_string(int(s.w)) + "x" + std::to_string(int(s.h)) + " scale " + std::to_string(int(s.scale)));
    for (const auto* group : {&kGeneration, &kTheory}) {
      float covered = 0;
      for (size_t i = 0; i < group->size(); ++i) {
        const LayoutRect r = default_place_rect((*group)[i], s.w, s.h, s.scale);
        EXPECT_TRUE(inside(r, s.w, s.h)) << (*group)[i];
        covered += area(r);
        for (size_t j = 0; j < i; ++j)
          EXPECT_FALSE(overlap(r, default_place_rect((*group)[j], s.w, s.h, s.scale))) << (*group)[i] << " / " << (*group)[j];
      }
      EXPECT_NEAR(covered, s.w * s.h, s.w * s.h * 1e-3) << "the places leave a gap";
    }
    // Side columns readable (≥ 290 px per unit of scale where the window allows), and the
    // middle never squeezed below a third of the width.
    const LayoutRect generation = default_place_rect("generation", s.w, s.h, s.scale);
    const LayoutRect gauges = default_place_rect("gauges", s.w, s.h, s.scale);
    const LayoutRect scales = default_place_rect("scales", s.w, s.h, s.scale);
    EXPECT_GE(generation.w, std::min(290 * s.scale, s.w * 0.4f));
    EXPECT_GE(gauges.w, std::min(290 * s.scale, s.w * 0.4f));
    EXPECT_GE(scales.w, s.w * 0.2f);
  }
  // Wide screens do not stretch the side columns without end.
  EXPECT_LE(default_place_rect("generation", 2560, 1396, 1).w, 460.0f);
}

TEST(Layout, AResizedWindowKeepsEveryPlaceInside) {
  const LayoutRect r = default_place_rect("gauges", 1600, 956);
  const LayoutRect small = rescale_rect(r, 1600, 956, 1024, 656);
  EXPECT_TRUE(inside(small, 1024, 656));
  EXPECT_NEAR(small.right(), 1024, 1);  // still the right-hand column
  const LayoutRect moved{1500, 900, 400, 300};  // a window dragged partly off the area
  EXPECT_TRUE(inside(rescale_rect(moved, 1600, 956, 1024, 656), 1024, 656));
}
