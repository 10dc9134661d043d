// Without a display the explorer must say so in one line and exit non-zero — not crash,
// not print GLFW noise. --help and flag errors must work without a display too.
#include <gtest/gtest.h>

#include <string>

#include "run_process.h"

namespace {

const std::string kNoDisplay = "env -u DISPLAY -u WAYLAND_DISPLAY ";

int count_lines(const std::string& text) {
  int lines = 0;
  for (char c : text) lines += c == '\n';
  return lines;
}

}  // namespace

TEST(GuiNoDisplay, ExitsNonZeroWithOneClearLine) {
  const ProcessResult r = run_process(kNoDisplay + VARSCOPE_GUI + " --frames 2 --screenshot /dev/null 2>&1");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.exit_code, -1) << "killed by a signal: " << r.output;
  EXPECT_EQ(count_lines(r.output), 1) << r.output;
  EXPECT_NE(r.output.find("no display"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("xvfb-run"), std::string::npos) << r.output;
}

TEST(GuiNoDisplay, HelpAndFlagErrorsNeedNoDisplay) {
  const ProcessResult help = run_process(kNoDisplay + VARSCOPE_GUI + " --help 2>&1");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--screenshot"), std::string::npos) << help.output;
  const ProcessResult bad = run_process(kNoDisplay + VARSCOPE_GUI + " --panel nowhere 2>&1");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(count_lines(bad.output), 1) << bad.output;
  EXPECT_NE(bad.output.find("nowhere"), std::string::npos) << bad.output;
}
