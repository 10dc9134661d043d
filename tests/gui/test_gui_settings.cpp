// Persisted settings: round trip through the file, typed getters fall back on bad text,
// config directory from XDG_CONFIG_HOME.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "app/gui/shell/settings.h"

TEST(GuiSettings, RoundTripsThroughAFile) {
  const std::string dir = std::string(VARSCOPE_BINARY_DIR) + "/tests/gui_settings_test/nested";
  const std::string path = dir + "/settings.ini";
  vs::gui::Settings out;
  out.set_int("window.width", 1234);
  out.set_double("theory.beta", 0.1);
  out.set_bool("scaling.poly", false);
  out.set("scaling.sides", "8,16,32");
  ASSERT_TRUE(out.save(path));  // creates the missing directories
  vs::gui::Settings in;
  in.load(path);
  EXPECT_EQ(in.get_int("window.width", 0), 1234);
  EXPECT_EQ(in.get_double("theory.beta", 0), 0.1);
  EXPECT_FALSE(in.get_bool("scaling.poly", true));
  EXPECT_EQ(in.get("scaling.sides", ""), "8,16,32");
  EXPECT_EQ(in.serialize(), out.serialize());
}

TEST(GuiSettings, BadValuesFallBack) {
  vs::gui::Settings s;
  s.parse("a=12x\nb=\n# comment\nnoequals\nc=maybe\n=x\n");
  EXPECT_EQ(s.get_int("a", 7), 7);
  EXPECT_EQ(s.get_double("b", 2.5), 2.5);
  EXPECT_TRUE(s.get_bool("c", true));
  EXPECT_EQ(s.get("missing", "d"), "d");
  vs::gui::Settings missing;
  missing.load("/nonexistent/varscope/settings.ini");  // first run: no file, no throw
  EXPECT_EQ(missing.serialize(), "");
}

TEST(GuiSettings, ConfigDirectoryFollowsXdg) {
  ::setenv("XDG_CONFIG_HOME", "/tmp/xdg-test", 1);
  EXPECT_EQ(vs::gui::config_directory(), "/tmp/xdg-test/varscope");
  ::unsetenv("XDG_CONFIG_HOME");
  ::setenv("HOME", "/home/someone", 1);
  EXPECT_EQ(vs::gui::config_directory(), "/home/someone/.config/varscope");
}
