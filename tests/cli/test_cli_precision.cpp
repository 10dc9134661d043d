// --precision fp32|bf16 on the real varscope-cli with the shipped models: the model
// commands take it, say it (inspect's output, generate's log, bench generate's JSON) and
// count half the Linear-weight bytes in bf16; a bad value is one line and exit 2.
#include <gtest/gtest.h>

#include <string>

#include "core/io/json.h"
#include "tests/cli/cli_runner.h"

namespace vs::test {
namespace {

// The member `key` of a JSON object; a failed expectation (and an empty value) when absent.
io::json::Value member(const io::json::Value& object, const std::string& key) {
  const io::json::Value* v = object.find(key);
  EXPECT_NE(v, nullptr) << "no \"" << key << "\" in the report";
  return v ? *v : io::json::Value{};
}

TEST(CliPrecision, BenchGenerateReportsThePrecisionAndHalfTheBytes) {
  const std::string dir = fresh_test_folder("cli_precision");
  double mib[2] = {0, 0};
  const char* precisions[2] = {"fp32", "bf16"};
  for (int i = 0; i < 2; ++i) {
    const std::string json = dir + "/bench_" + precisions[i] + ".json";
    const CliRun run = run_cli("bench generate --model fmnist-var --class 2 --precision " + std::string(precisions[i]) +
                               " --json " + json);
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find(std::string("weights: ") + precisions[i] + " Linear weights"), std::string::npos)
        << run.output;
    const io::json::Value report = io::json::parse(read_bytes(json));
    EXPECT_EQ(member(report, "precision").text, precisions[i]);
    EXPECT_TRUE(member(report, "image_finite").boolean);
    // The kernel that ran is the best this machine has (listed first in its bf16 kernels).
    const std::string kernel = member(report, "bf16_kernel").text;
    EXPECT_TRUE(kernel == "amx" || kernel == "avx512bf16" || kernel == "widen") << kernel;
    EXPECT_EQ(member(member(report, "machine"), "bf16_kernels").text.rfind(kernel, 0), 0u) << kernel;
    mib[i] = std::stod("0" + member(report, "linear_weight_mib").text);
  }
  EXPECT_GT(mib[0], 0);
  EXPECT_NEAR(mib[1], mib[0] / 2, 1e-6 * mib[0]);
}

TEST(CliPrecision, InspectAndGenerateSayTheWeights) {
  const std::string dir = fresh_test_folder("cli_precision");
  const CliRun inspect = run_cli("inspect --model fmnist-flowar --class 4 --seed 1 --steps 2 --precision bf16 --out-dir " +
                                 dir, Capture::kStdout);
  ASSERT_EQ(inspect.exit_code, 0) << inspect.output;
  EXPECT_NE(inspect.output.find("(FlowAR), bf16 Linear weights"), std::string::npos) << inspect.output;
  const std::string png = dir + "/generate_bf16.png";
  const CliRun generate =
      run_cli("generate --model fmnist-var --class 1 --seed 3 --precision bf16 --out " + png, Capture::kStderr);
  ASSERT_EQ(generate.exit_code, 0) << generate.output;
  EXPECT_NE(generate.output.find("(VAR, bf16 weights)"), std::string::npos) << generate.output;
}

TEST(CliPrecision, AnUnknownPrecisionIsOneLineAndExitTwo) {
  const std::string png = fresh_test_folder("cli_precision") + "/never.png";
  for (const std::string& command : {"generate --model fmnist-var --class 1 --seed 0 --out " + png,
                                     std::string("bench generate --depth 2"), std::string("eval --model fmnist-var")}) {
    const CliRun run = run_cli(command + " --precision fp16", Capture::kStderr);
    EXPECT_EQ(run.exit_code, 2) << command;
    EXPECT_NE(run.output.find("--precision: precision 'fp16' is not one of fp32, bf16"), std::string::npos)
        << command << ": " << run.output;
    EXPECT_EQ(run.output.find('\n'), run.output.size() - 1) << run.output;
  }
}

}  // namespace
}  // namespace vs::test
