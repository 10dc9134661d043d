// varscope-cli calibrate on the shipped VAR model: progress on stderr, a summary on
// stdout, a widths file that generate's --attention window:widths=FILE reads; FlowAR and
// bad flags are one-line errors with exit 2.
#include <gtest/gtest.h>

#include <string>

#include "tests/cli/cli_runner.h"

namespace {

using vs::test::Capture;
using vs::test::read_bytes;
using vs::test::run_cli;

std::string temp_path(const std::string& name) { return vs::test::test_file("cli_calibrate", name); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(CliCalibrate, WritesWidthsThatGenerateUses) {
  const std::string widths = temp_path("widths.json");
  const auto progress =
      run_cli("calibrate --model fmnist-var --generations 2 --target-mass 0.9 --out " + widths, Capture::kStderr);
  ASSERT_EQ(progress.exit_code, 0) << progress.output;
  EXPECT_TRUE(contains(progress.output, "calibrate: generation 1/2 (class 0, seed 0)")) << progress.output;
  EXPECT_TRUE(contains(progress.output, "calibrate: generation 2/2 (class 1, seed 1)")) << progress.output;
  EXPECT_TRUE(contains(read_bytes(widths), "\"format\":\"varscope-window-widths\"")) << read_bytes(widths);
  EXPECT_TRUE(contains(read_bytes(widths), "\"target_mass\":0.9"));

  const auto summary = run_cli("calibrate --model fmnist-var --generations 1 --target-mass 0.9", Capture::kStdout);
  ASSERT_EQ(summary.exit_code, 0) << summary.output;
  EXPECT_TRUE(contains(summary.output, "pairs kept")) << summary.output;
  EXPECT_TRUE(contains(summary.output, "mass kept on these generations")) << summary.output;
  EXPECT_TRUE(contains(summary.output, "no --out: the widths were not written")) << summary.output;

  const std::string image = temp_path("windowed.png");
  const auto generate =
      run_cli("generate --model fmnist-var --class 3 --seed 4 --attention window:widths=" + widths + " --out " + image);
  ASSERT_EQ(generate.exit_code, 0) << generate.output;
  EXPECT_FALSE(read_bytes(image).empty());
}

TEST(CliCalibrate, RefusesWhatItCannotCalibrate) {
  const auto flowar = run_cli("calibrate --model fmnist-flowar --generations 1");
  EXPECT_EQ(flowar.exit_code, 2);
  EXPECT_TRUE(contains(flowar.output, "per layer, head and scale of VAR's transformer")) << flowar.output;
  const auto shape = run_cli("calibrate --model fmnist-var --shape circle");
  EXPECT_EQ(shape.exit_code, 2);
  EXPECT_TRUE(contains(shape.output, "--shape 'circle' is not band")) << shape.output;
  const auto variant = run_cli("calibrate --model fmnist-var --attention window:w=2");
  EXPECT_EQ(variant.exit_code, 2);
  EXPECT_TRUE(contains(variant.output, "calibrate measures exact attention")) << variant.output;
  const auto mass = run_cli("calibrate --model fmnist-var --target-mass 2");
  EXPECT_EQ(mass.exit_code, 2);
  EXPECT_TRUE(contains(mass.output, "target-mass")) << mass.output;
  const auto bad_file = run_cli("generate --model fmnist-var --class 1 --seed 1 --attention window:widths=" +
                                temp_path("missing.json") + " --out " + temp_path("x.png"));
  EXPECT_EQ(bad_file.exit_code, 2);
  EXPECT_TRUE(contains(bad_file.output, "missing.json")) << bad_file.output;
}

}  // namespace
