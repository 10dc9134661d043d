// End to end: `varscope-cli criterion` on the shipped models writes a row per head and
// scale, a per-scale histogram and the verdict; bad flags give one line and exit 2.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "tests/cli/cli_runner.h"

namespace {

using vs::test::Capture;
using vs::test::run_cli;

TEST(CliCriterion, ShippedModelsGetRowsHistogramAndVerdict) {
  for (const std::string model : {"fmnist-var", "fmnist-flowar"}) {
    const std::string csv = vs::test::test_file("cli_criterion", model + ".csv");
    const std::string json = vs::test::test_file("cli_criterion", model + ".json");
    const auto run = run_cli("criterion --model " + model + " --samples 1 --csv " + csv + " --json " + json);
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("verdict: "), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("head-scales are in the provably fast zone"), std::string::npos) << run.output;
    const std::string rows = vs::test::read_bytes(csv);
    EXPECT_EQ(rows.rfind("module,attention,scale,block,head,keys,head_dim,calls,max_abs_q,max_abs_k,beta,b_eff,"
                         "sqrt_ln_L,ratio,zone,taylor_degree,chebyshev_degree\n", 0), 0u) << rows.substr(0, 200);
    EXPECT_GT(std::count(rows.begin(), rows.end(), '\n'), 8) << rows;
    const std::string doc = vs::test::read_bytes(json);
    for (const char* key : {"\"histogram\"", "\"zone_I\"", "\"verdict\"", "\"b_eff\"", "\"chebyshev_degree\""})
      EXPECT_NE(doc.find(key), std::string::npos) << key;
  }
  EXPECT_NE(vs::test::read_bytes(vs::test::test_file("cli_criterion", "fmnist-flowar.csv")).find("flownet,"), std::string::npos);
}

TEST(CliCriterion, BadFlagsGiveOneLine) {
  auto run = run_cli("criterion --model fmnist-var --samples 0", Capture::kStderr);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(std::count(run.output.begin(), run.output.end(), '\n'), 1) << run.output;
  run = run_cli("criterion --model fmnist-var --eps 2", Capture::kStderr);
  EXPECT_EQ(run.exit_code, 2);
  run = run_cli("criterion --model fmnist-var --steps 3", Capture::kStderr);  // a FlowAR flag
  EXPECT_EQ(run.exit_code, 2);
}

}  // namespace
