// Benchmarks can run for minutes: every phase announces itself on stderr, one line each,
// while stdout keeps only the results.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "tests/cli/cli_runner.h"

namespace {

using vs::test::Capture;
using vs::test::CliRun;
using vs::test::run_cli;

int lines_starting(const std::string& text, const std::string& prefix) {
  int count = 0;
  for (size_t at = 0; at < text.size();) {
    const size_t end = std::min(text.find('\n', at), text.size());
    if (text.compare(at, prefix.size(), prefix) == 0) ++count;
    at = end + 1;
  }
  return count;
}

TEST(CliBenchProgress, GemmAnnouncesEachMeasurementOnStderr) {
  const CliRun err = run_cli("bench gemm --size 16 --tokens 16 --head-dim 4", Capture::kStderr);
  ASSERT_EQ(err.exit_code, 0) << err.output;
  EXPECT_EQ(lines_starting(err.output, "bench gemm: timing "), 3) << err.output;
  const CliRun out = run_cli("bench gemm --size 16 --tokens 16 --head-dim 4", Capture::kStdout);
  EXPECT_EQ(out.output.find("bench gemm: timing"), std::string::npos) << out.output;
}

TEST(CliBenchProgress, GenerateReportsEveryScaleOnStderr) {
  const CliRun err = run_cli("bench generate --model fmnist-var --class 1", Capture::kStderr);
  ASSERT_EQ(err.exit_code, 0) << err.output;
  EXPECT_EQ(lines_starting(err.output, "bench generate: loading the model"), 1) << err.output;
  EXPECT_EQ(lines_starting(err.output, "bench generate: scale "), 7) << err.output;  // patch_nums 1,2,3,4,5,6,8
  EXPECT_EQ(lines_starting(err.output, "bench generate: scale 7/7 (side 8) done in "), 1) << err.output;
  EXPECT_EQ(lines_starting(err.output, "bench generate: decoding the image"), 1) << err.output;
}

}  // namespace
