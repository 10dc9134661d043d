// The explorer's command line: headless flags, defaults, and one-line errors.
#include <gtest/gtest.h>

#include <vector>

#include "app/gui/shell/app_options.h"
#include "core/error.h"

namespace {

vs::gui::AppOptions parse(std::vector<const char*> args) {
  args.insert(args.begin(), "varscope");
  return vs::gui::parse_app_options(int(args.size()), args.data());
}

}  // namespace

TEST(AppOptions, ScreenshotImpliesTwentyFrames) {
  const auto o = parse({"--screenshot", "out.png"});
  EXPECT_EQ(o.frames, 20);
  EXPECT_EQ(o.screenshot_path, "out.png");
  EXPECT_EQ(o.width, 1600);
  EXPECT_EQ(o.height, 1000);
}

TEST(AppOptions, ParsesFramesPanelAndSize) {
  const auto o = parse({"--frames", "5", "--panel", "Runtime scaling", "--size", "1280x720", "--wait-workers", "2.5"});
  EXPECT_EQ(o.frames, 5);
  EXPECT_EQ(o.panel, "scaling");
  EXPECT_EQ(o.width, 1280);
  EXPECT_EQ(o.height, 720);
  EXPECT_DOUBLE_EQ(o.wait_workers_s, 2.5);
  EXPECT_TRUE(parse({"--help"}).help);
  EXPECT_EQ(parse({}).frames, 0);  // interactive by default
}

TEST(AppOptions, ParsesModelAndGenerationFlags) {
  const auto o = parse({"--model", "a.pth", "--vae", "b.pth", "--patch-nums", "1,2,3", "--generate", "--class", "4",
                        "--seed", "9", "--report-json", "r.json", "--compare", "poly:degree=2", "--workspace", "Theory",
                        "--panel", "attention"});
  EXPECT_EQ(o.model_path, "a.pth");
  EXPECT_EQ(o.vae_path, "b.pth");
  EXPECT_EQ(o.patch_nums, "1,2,3");
  EXPECT_TRUE(o.generate);
  EXPECT_EQ(o.class_id, 4);
  EXPECT_EQ(o.seed, 9);
  EXPECT_EQ(o.report_json, "r.json");
  EXPECT_EQ(o.compare_spec, "poly:degree=2");
  EXPECT_EQ(o.compare_view, "images");
  EXPECT_EQ(parse({"--compare-view", "maps"}).compare_view, "maps");
  EXPECT_THROW(parse({"--compare-view", "heads"}), vs::Error);
  EXPECT_EQ(parse({"--grid", "0,1,2/5,6"}).grid, "0,1,2/5,6");
  EXPECT_EQ(parse({"--config-dir", "/tmp/vs"}).config_dir, "/tmp/vs");
  EXPECT_THROW(parse({"--config-dir", ""}), vs::Error);
  EXPECT_THROW(parse({"--grid", "0,1,2"}), vs::Error);
  EXPECT_EQ(vs::gui::canonical_panel_name("Class × seed grid"), "grid");
  EXPECT_EQ(o.workspace, "theory");
  EXPECT_EQ(o.panel, "attention");
  EXPECT_EQ(parse({}).workspace, "var");
  EXPECT_EQ(vs::gui::canonical_panel_name("Norm gauges"), "gauges");
  EXPECT_EQ(vs::gui::canonical_panel_name("strip"), "strip");
  EXPECT_EQ(vs::gui::canonical_panel_name("generation"), "generation");
  EXPECT_EQ(vs::gui::canonical_panel_name("compare"), "compare");
  EXPECT_THROW(parse({"--workspace", "nope"}), vs::Error);
  EXPECT_THROW(parse({"--class", "-1"}), vs::Error);
  EXPECT_EQ(parse({}).precision, vs::WeightPrecision::kFp32);
  EXPECT_EQ(parse({"--precision", "bf16"}).precision, vs::WeightPrecision::kBf16);
  EXPECT_THROW(parse({"--precision", "int8"}), vs::Error);
}

TEST(AppOptions, ParsesKeysInFrameOrder) {
  using Key = vs::gui::KeyPress::Key;
  const auto o = parse({"--frames", "10", "--keys", "7:Right,2:left,2:space"});
  ASSERT_EQ(o.keys.size(), 3u);
  EXPECT_EQ(o.keys[0].frame, 2);
  EXPECT_EQ(o.keys[0].key, Key::kLeft);  // same frame: command-line order kept
  EXPECT_EQ(o.keys[1].frame, 2);
  EXPECT_EQ(o.keys[1].key, Key::kSpace);
  EXPECT_EQ(o.keys[2].frame, 7);
  EXPECT_EQ(o.keys[2].key, Key::kRight);
  EXPECT_EQ(parse({"--screenshot", "a.png", "--keys", "1:left"}).keys.size(), 1u);
  EXPECT_TRUE(parse({}).keys.empty());
}

TEST(AppOptions, RejectsBadInputWithOneLine) {
  for (const auto& args : std::vector<std::vector<const char*>>{
           {"--frames", "0"}, {"--frames"}, {"--panel", "nope"}, {"--size", "big"}, {"--bogus"}, {"--frames", "3x"},
           {"--frames", "5", "--keys", "left"}, {"--frames", "5", "--keys", "0:left"},
           {"--frames", "5", "--keys", "3:up"}, {"--frames", "5", "--keys", "3:left,"}, {"--keys", "3:left"}}) {
    try {
      parse(args);
      FAIL() << "accepted " << args[0];
    } catch (const vs::Error& e) {
      const std::string message = e.what();
      EXPECT_FALSE(message.empty());
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
  }
}

TEST(AppOptions, EditFlags) {
  const auto o = parse({"--image", "a.png", "--edit-box", "0,0.25,0.5,1", "--edit-class", "7", "--edit-count", "3"});
  EXPECT_EQ(o.edit_box, (std::vector<double>{0, 0.25, 0.5, 1}));
  EXPECT_EQ(o.edit_class, 7);
  EXPECT_EQ(o.edit_count, 3);
  EXPECT_TRUE(o.edits());
  const auto m = parse({"--image", "a.png", "--edit-mask", "m.png", "--outpaint"});
  EXPECT_EQ(m.edit_mask, "m.png");
  EXPECT_TRUE(m.outpaint);
  for (const std::vector<const char*>& bad : std::vector<std::vector<const char*>>{
           {"--edit-box", "0,0,1,1"},                                            // no --image
           {"--image", "a.png", "--edit-box", "0,0,1"},                           // three numbers
           {"--image", "a.png", "--edit-box", "0.5,0,0.5,1"},                     // empty box
           {"--image", "a.png", "--edit-box", "0,0,1,1", "--edit-mask", "m.png"},  // both
           {"--image", "a.png", "--edit-box", "0,0,1,1", "--keep-scales", "2"},    // edit and regenerate
           {"--image", "a.png", "--outpaint"},                                     // outpaint without a mask
           {"--image", "a.png", "--edit-box", "0,0,1,1", "--edit-count", "9"}}) {
    EXPECT_THROW(parse(bad), vs::Error) << bad.size();
  }
}

TEST(AppOptions, UiScale) {
  EXPECT_EQ(parse({}).ui_scale, 0.0f);
  EXPECT_EQ(parse({"--ui-scale", "2"}).ui_scale, 2.0f);
  EXPECT_THROW(parse({"--ui-scale", "9"}), vs::Error);
  EXPECT_THROW(parse({"--ui-scale", "two"}), vs::Error);
}
