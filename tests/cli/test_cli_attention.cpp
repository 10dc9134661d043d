// End to end: the varscope-cli binary reads q/k/v, runs a variant, writes o; we compare
// with the float64 reference. Also: bad input gives one line on stderr and exit code 2.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "core/attention/naive_reference.h"
#include "core/attention/random_inputs.h"
#include "core/io/safetensors.h"

#include "tests/cli/cli_runner.h"

namespace {

using vs::test::CliRun;
using vs::test::run_cli;

std::string temp_path(const std::string& name) {
  return std::string(VARSCOPE_BINARY_DIR) + "/tests/cli_" + name;
}

vs::Tensor random_tensor(vs::Shape shape, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  vs::Tensor t(std::move(shape));
  for (float& x : t.data) x = u(rng);
  return t;
}

TEST(CliAttention, BlockCausalRoundTripMatchesReference) {
  std::mt19937 rng(3);
  const vs::Tensor q = random_tensor({2, 14, 8}, rng), k = random_tensor({2, 14, 8}, rng),
                   v = random_tensor({2, 14, 8}, rng);
  vs::io::SafetensorsWriter writer;
  writer.add("q", q);
  writer.add("k", k);
  writer.add("v", v);
  const std::string in = temp_path("qkv.safetensors"), out = temp_path("o.safetensors");
  writer.write(in);
  std::remove(out.c_str());

  const CliRun run = run_cli("attention --qkv " + in + " --pyramid 1,2,3 --variant exact --out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto file = vs::io::SafetensorsFile::open(out);
  const vs::Tensor o = file.read_float("o");
  ASSERT_EQ(o.shape, q.shape);
  const auto reference = vs::attention::naive_attention(
      q, k, v, vs::attention::Structure::block_causal({1, 2, 3}), 1.0 / std::sqrt(8.0));
  for (size_t i = 0; i < o.data.size(); ++i) EXPECT_NEAR(o.data[i], reference.out[i], 1e-5);
  EXPECT_EQ(file.metadata().at("variant"), "exact");
}

TEST(CliAttention, PyramidThatDoesNotCoverTheTokensIsAOneLineError) {
  std::mt19937 rng(4);
  vs::io::SafetensorsWriter writer;
  for (const char* name : {"q", "k", "v"}) writer.add(name, random_tensor({1, 14, 4}, rng));
  const std::string in = temp_path("qkv_bad.safetensors");
  writer.write(in);
  const CliRun run = run_cli("attention --qkv " + in + " --pyramid 1,2 --out " + temp_path("x.safetensors"));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("14"), std::string::npos) << run.output;
  EXPECT_EQ(std::count(run.output.begin(), run.output.end(), '\n'), 1) << run.output;
}

TEST(CliAttention, MissingFileAndBadVariantAreErrors) {
  CliRun run = run_cli("attention --qkv /nonexistent.safetensors --out /tmp/x.safetensors");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("/nonexistent.safetensors"), std::string::npos) << run.output;
  run = run_cli("attention --qkv /nonexistent.safetensors --variant magic --out /tmp/x.safetensors");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("poly:degree"), std::string::npos) << run.output;  // lists valid specs
  run = run_cli("attention --qkv a --out b --frobnicate 3");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("--frobnicate"), std::string::npos) << run.output;
}

TEST(CliAttention, PolyPrintsItsFitAndFailedRows) {
  // Issue 14's case: q, k uniform in [−2, 2], d = 8, L = 64 (β̂ ≈ 6.8).
  std::mt19937_64 rng(14);
  vs::io::SafetensorsWriter writer;
  writer.add("q", vs::attention::uniform_tensor({1, 64, 8}, 2.0, rng));
  writer.add("k", vs::attention::uniform_tensor({1, 64, 8}, 2.0, rng));
  writer.add("v", vs::attention::uniform_tensor({1, 64, 8}, 1.0, rng));
  const std::string in = temp_path("qkv_poly.safetensors"), out = temp_path("o_poly.safetensors");
  writer.write(in);
  CliRun run = run_cli("attention --qkv " + in + " --variant poly:degree=4:basis=chebyshev:form=plain --out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("not provably positive"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("with D̃ ≤ 0)"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("failed_rows = "), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("failed_rows = 0\n"), std::string::npos) << run.output;
  run = run_cli("attention --qkv " + in + " --variant poly:auto --out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("degree 6 (taylor, plain), rank 3003, fitted on [−"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("NOT met); 0 of 64 rows failed"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("warning: poly:auto:eps=0.01:basis=chebyshev:max_rank=4096: target 0.01 not reached"),
            std::string::npos)
      << run.output;
}

TEST(CliBench, AttentionWritesJsonWithSlopesAndModel) {
  const std::string json = temp_path("bench.json");
  std::remove(json.c_str());
  const CliRun run = run_cli("bench attention --sides 4,8,12 --samples 1 --min-sample-ms 0 --gemm-gflops 5 --clock cpu "
                             "--variants exact,poly:degree=2 --json " + json);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  for (const char* line : {"pyramids: geometric, 10 scales", "timing: min of 1 samples", "5.0 GFLOP/s",
                           "exact — model 4·P·d", "slope over all sides: ", "asymptotic half (n >= 4)", "min cpu ms",
                           "process CPU time"})
    EXPECT_NE(run.output.find(line), std::string::npos) << line << " missing in " << run.output;
  std::ifstream in(json);
  std::stringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  for (const char* key : {"\"machine\"", "\"results\"", "\"fits\"", "\"min_ms\"", "\"spread\"", "\"model_ms\"",
                          "\"rel_error\"", "\"tokens\":30", "\"poly:degree=2\"", "\"pyramid\":\"geometric:scales=10\"",
                          "\"pyramid\":\"1,2,3,4,5,7,9,12\"", "\"upper_half\"", "\"ci95\"", "\"gemm_gflops\":5",
                          "\"threads\":", "\"clock\":\"cpu\"", "\"cpu_min_ms\"",
                          "\"wall_min_ms\""})
    EXPECT_NE(s.find(key), std::string::npos) << key << " missing in " << s;
}

TEST(CliBench, AttentionRefusesMixedOrOversizedSweepsInOneLine) {
  CliRun run = run_cli("bench attention --sides 16,48 --pyramid official", vs::test::Capture::kStderr);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("no official VAR schedule for n = 48"), std::string::npos) << run.output;
  run = run_cli("bench attention --sides 16 --pyramid hand", vs::test::Capture::kStderr);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("valid: official, geometric"), std::string::npos) << run.output;
  run = run_cli("bench attention --sides 16384 --heads 1024 --head-dim 4096 --variants poly:degree=1",
                vs::test::Capture::kStderr);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("more than the memory budget"), std::string::npos) << run.output;
  EXPECT_EQ(std::count(run.output.begin(), run.output.end(), '\n'), 1) << run.output;
  run = run_cli("bench attention --sides 16 --repeats 3", vs::test::Capture::kStderr);  // the old flag
  EXPECT_EQ(run.exit_code, 2);
  run = run_cli("bench attention --sides 16 --clock tsc", vs::test::Capture::kStderr);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("expected wall or cpu"), std::string::npos) << run.output;
}

}  // namespace
