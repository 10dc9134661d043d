// Issue 12 through the real binary: non-finite inputs and results are reported naming
// the file and tensor, never written; an empty --pyramid is refused; the terminal never
// receives raw escape bytes from user text.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>

#include "core/io/safetensors.h"
#include "tests/cli/cli_runner.h"

namespace {

using vs::test::Capture;
using vs::test::CliRun;
using vs::test::run_cli;

void expect_one_line_error(const CliRun& run, const std::string& needle) {
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_EQ(std::count(run.output.begin(), run.output.end(), '\n'), 1) << run.output;
  EXPECT_NE(run.output.find(needle), std::string::npos) << run.output;
}

std::string qkv_file(const std::string& dir, const std::string& name, float q_value, float k_value) {
  vs::io::SafetensorsWriter writer;
  writer.add("q", vs::Tensor({1, 4, 8}, q_value));
  writer.add("k", vs::Tensor({1, 4, 8}, k_value));
  writer.add("v", vs::Tensor({1, 4, 8}, 1.0f));
  const std::string path = dir + "/" + name;
  writer.write(path);
  return path;
}

TEST(CliHostileValues, NonFiniteInputsAndResultsAreReportedNotWritten) {
  const std::string dir = vs::test::fresh_test_dir("cli_hostile_values");
  const std::string out = dir + "/o.safetensors";
  const std::string nan_q = qkv_file(dir, "nan.safetensors", std::nanf(""), 1.0f);
  expect_one_line_error(run_cli("attention --qkv " + nan_q + " --out " + out, Capture::kStderr),
                        nan_q + ": tensor 'q': 32 of 32 values are NaN or infinite");
  // Finite entries whose logits overflow float: exact attention returned NaN with exit 0.
  const std::string huge = qkv_file(dir, "huge.safetensors", 1e30f, -1e30f);
  expect_one_line_error(run_cli("attention --qkv " + huge + " --variant exact --out " + out, Capture::kStderr),
                        "exact attention: q and k entries up to 1e+30 and 1e+30 give logits up to 2.83e+60");
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(CliHostileValues, AnEmptyPyramidIsRefused) {
  const std::string dir = vs::test::fresh_test_dir("cli_hostile_pyramid");
  const std::string qkv = qkv_file(dir, "qkv.safetensors", 0.1f, 0.2f);
  expect_one_line_error(run_cli("attention --qkv " + qkv + " --pyramid= --out " + dir + "/o.safetensors", Capture::kStderr),
                        "--pyramid is empty");
}

TEST(CliHostileValues, UserTextReachesTheTerminalEscaped) {
  const CliRun run = run_cli("\"$(printf '\\033[2Jwipe')\"", Capture::kStderr);  // an unknown command
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_EQ(run.output.find('\x1b'), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("\\x1b[2Jwipe"), std::string::npos) << run.output;
}

}  // namespace
