// Issue 12 through the real binary: special files as inputs (a named pipe blocked
// forever) and outputs (/dev/full "succeeded"), and outputs checked before the work.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "tests/cli/cli_runner.h"

namespace {

using vs::test::Capture;
using vs::test::CliRun;
using vs::test::run_cli;

const std::string kModel = "--model fmnist-var";

void expect_one_line_error(const CliRun& run, const std::string& needle) {
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_EQ(std::count(run.output.begin(), run.output.end(), '\n'), 1) << run.output;
  EXPECT_NE(run.output.find(needle), std::string::npos) << run.output;
}

TEST(CliHostilePaths, ANamedPipeAsAnyInputIsRefused) {
  const std::string dir = vs::test::fresh_test_dir("cli_hostile_pipe");
  const std::string pipe = dir + "/in.safetensors", out = dir + "/out.safetensors";
  ASSERT_EQ(mkfifo(pipe.c_str(), 0600), 0);
  const std::string refused = pipe + ": the ";
  expect_one_line_error(run_cli("attention --qkv " + pipe + " --out " + out, Capture::kStderr), refused);
  expect_one_line_error(run_cli("replay " + kModel + " --tokens " + pipe + " --out " + out, Capture::kStderr), refused);
  expect_one_line_error(
      run_cli("generate " + kModel + " --class 1 --seed 1 --prefix " + pipe + " --keep-scales 1 --out " + dir + "/x.png",
              Capture::kStderr),
      refused);
  expect_one_line_error(run_cli("encode " + kModel + " --image " + pipe + " --out " + out, Capture::kStderr),
                        pipe + ": the image is a named pipe, not a regular file");
  expect_one_line_error(run_cli("generate --model " + pipe + " --class 1 --seed 1 --out " + dir + "/x.png",
                                Capture::kStderr),
                        pipe);
}

TEST(CliHostilePaths, AnOutputThatCannotBeWrittenFailsBeforeTheWork) {
  const std::string dir = vs::test::fresh_test_dir("cli_hostile_out");
  expect_one_line_error(run_cli("generate " + kModel + " --class 1 --seed 1 --out /dev/full", Capture::kStderr),
                        "/dev/full: cannot write the --out file: it is a character device");
  expect_one_line_error(run_cli("bench attention --sides 4 --samples 1 --json /dev/full", Capture::kStderr),
                        "/dev/full: cannot write the --json file");
  // The scale images used to be written before the final --out failed.
  const std::string scales = dir + "/scales";
  expect_one_line_error(run_cli("generate " + kModel + " --class 1 --seed 1 --scales-dir " + scales + " --out " + dir +
                                    "/missing/x.png",
                                Capture::kStderr),
                        dir + "/missing/x.png: cannot write the --out file");
  EXPECT_FALSE(std::filesystem::exists(scales));
  std::filesystem::create_symlink(dir + "/elsewhere.png", dir + "/link.png");
  expect_one_line_error(run_cli("generate " + kModel + " --class 1 --seed 1 --out " + dir + "/link.png", Capture::kStderr),
                        "it is a symbolic link");
  EXPECT_FALSE(std::filesystem::exists(dir + "/elsewhere.png"));
}

}  // namespace
