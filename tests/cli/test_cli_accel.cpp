// --accel on the real varscope-cli with the shipped models: generate and bench generate
// take it, show it in the run description, and its null setting writes the exact image;
// a bad spec is one line and exit 2, before any model work.
#include <gtest/gtest.h>

#include <string>

#include "tests/cli/cli_runner.h"

namespace {

using vs::test::Capture;
using vs::test::read_bytes;
using vs::test::run_cli;

std::string temp_path(const std::string& name) { return vs::test::test_file("cli_accel", name); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

int lines(const std::string& text) {
  int count = 0;
  for (char c : text) count += c == '\n';
  return count;
}

TEST(CliAccel, GenerateSkipsScalesAndSaysSo) {
  const std::string out = temp_path("var_skip.png");
  const auto run = run_cli("generate --model fmnist-var --class 3 --seed 1 --accel skip:after=4 --out " + out,
                           Capture::kStderr);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(contains(run.output, "attention exact, accel skip:after=4")) << run.output;
  EXPECT_TRUE(contains(run.output, "note: skip on VAR [D]")) << run.output;
  EXPECT_TRUE(contains(run.output, "scale 5/7")) << run.output;
  EXPECT_FALSE(contains(run.output, "scale 6/7")) << run.output;
  EXPECT_FALSE(read_bytes(out).empty());
}

TEST(CliAccel, NullSettingWritesTheExactImage) {
  const std::string exact = temp_path("var_exact.png"), null = temp_path("var_null.png");
  ASSERT_EQ(run_cli("generate --model fmnist-var --class 5 --seed 2 --out " + exact).exit_code, 0);
  ASSERT_EQ(run_cli("generate --model fmnist-var --class 5 --seed 2 --accel skip:after=-1+cfg-drop:from=7 --out " +
                    null)
                .exit_code,
            0);
  EXPECT_EQ(read_bytes(exact), read_bytes(null));
}

TEST(CliAccel, FlowArTakesStepsAndCfgDrop) {
  const std::string out = temp_path("flowar_steps.png");
  const auto run = run_cli("generate --model fmnist-flowar --class 1 --seed 1 --steps 6 --accel steps:per=6,4,2+cfg-drop:from=2 --out " + out,
                           Capture::kStderr);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(contains(run.output, "accel steps:per=6,4,2+cfg-drop:from=2")) << run.output;
  EXPECT_TRUE(contains(run.output, "scale 3/3  step 2/2")) << run.output;
  EXPECT_FALSE(contains(run.output, "scale 3/3  step 3/")) << run.output;
}

TEST(CliAccel, BadSpecsAreOneLineAndExit2) {
  for (const std::string& bad : {std::string("warp"), std::string("skip:after=x"), std::string("skip:after=9")}) {
    const auto run = run_cli("generate --model fmnist-var --class 3 --seed 1 --accel " + bad + " --out " +
                                 temp_path("bad.png"),
                             Capture::kStderr);
    EXPECT_EQ(run.exit_code, 2) << bad;
    EXPECT_EQ(lines(run.output), 1) << run.output;
    EXPECT_TRUE(contains(run.output, "acceleration '" + bad + "'")) << run.output;
  }
  const auto steps_on_var =
      run_cli("generate --model fmnist-var --class 3 --accel steps:n=4 --out " + temp_path("bad.png"), Capture::kStderr);
  EXPECT_EQ(steps_on_var.exit_code, 2);
  EXPECT_TRUE(contains(steps_on_var.output, "VAR has no Euler steps")) << steps_on_var.output;
}

TEST(CliAccel, BenchGenerateTimesTheAcceleratedRun) {
  const auto run = run_cli("bench generate --model fmnist-var --class 3 --accel skip:after=5+cfg-drop:from=3");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(contains(run.output, "sampling: cfg 4, top-k 900, top-p 0.95, attention exact, accel "
                                   "skip:after=5+cfg-drop:from=3"))
      << run.output;
  EXPECT_TRUE(contains(run.output, "image finite: yes")) << run.output;
}

TEST(CliAccel, InspectWatchesTheLastScaleSampled) {
  const std::string dir = temp_path("inspect_skip");
  const auto run = run_cli("inspect --model fmnist-var --class 3 --seed 1 --accel skip:after=3 --out-dir " + dir);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(contains(run.output, "var_attn_s3_l0")) << run.output;
  const auto late = run_cli("inspect --model fmnist-var --class 3 --seed 1 --accel skip:after=3 --step 5 --out-dir " + dir,
                            Capture::kStderr);
  EXPECT_EQ(late.exit_code, 2);
  EXPECT_TRUE(contains(late.output, "--step 5 is after scale 3, the last one --accel skip:after=3 samples")) << late.output;
}

TEST(CliAccel, ReplayRefusesAnAcceleration) {
  const auto run = run_cli("replay --model fmnist-var --tokens x.safetensors --out " + temp_path("r.safetensors") +
                           " --accel skip", Capture::kStderr);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(contains(run.output, "--accel skip does not apply")) << run.output;
}

}  // namespace

namespace {

TEST(CliPareto, TablesEveryMethodAgainstTheExactRun) {
  const std::string json = temp_path("pareto.json"), csv = temp_path("pareto.csv");
  const auto run = run_cli("pareto --model fmnist-var --images 2 --methods \"none;skip:after=-2;fastvar\" --json " +
                               json + " --csv " + csv,
                           Capture::kStdout);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(contains(run.output, "skip:after=-2")) << run.output;
  EXPECT_TRUE(contains(run.output, "agree %")) << run.output;
  const std::string text = read_bytes(json);
  // The exact row is identical to itself (PSNR null in JSON), the skip row runs 6 of 7 scales.
  EXPECT_TRUE(contains(text, "{\"accel\":\"none\",\"attention\":\"exact\"")) << text;
  EXPECT_TRUE(contains(text, "\"psnr_db\":null")) << text;
  // Depth 4, width 128, 155 tokens, 2 rows (CFG): keys and values of 2 · 4 · 2 · 155 · 128 floats.
  EXPECT_TRUE(contains(text, "\"kv_cache_bytes_per_image\":" + std::to_string(2 * 4 * 2 * 155 * 128 * 4) + ",")) << text;
  EXPECT_TRUE(contains(text, "\"accel\":\"skip:after=-2\"")) << text;
  EXPECT_TRUE(contains(text, "\"scales_run\":6")) << text;
  EXPECT_TRUE(contains(text, "\"token_agreement_per_scale\":[1,1,1,1,1,1]")) << text;
  EXPECT_TRUE(contains(text, "\"extrapolations\":[\"fastvar [D]")) << text;
  EXPECT_TRUE(contains(run.output, "note (fastvar): fastvar [D]")) << run.output;
  EXPECT_EQ(lines(read_bytes(csv)), 4);  // header + 3 rows
  // Fréchet distance to the test split for every row (a number, not null), and peak memory.
  EXPECT_TRUE(contains(text, "\"frechet_distance\":")) << text;
  EXPECT_FALSE(contains(text, "\"frechet_distance\":null")) << text;
  EXPECT_TRUE(contains(text, "\"peak_rss_mib\":")) << text;
  EXPECT_TRUE(contains(run.output, "peak RSS")) << run.output;
}

TEST(CliPareto, SamplesPerClassCoversEveryClass) {
  const std::string json = temp_path("pareto_per_class.json");
  const auto run = run_cli("pareto --model fmnist-var --samples-per-class 1 --json " + json, Capture::kStdout);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(contains(read_bytes(json), "\"images\":10,")) << read_bytes(json);
  EXPECT_EQ(run_cli("pareto --model fmnist-var --images 2 --samples-per-class 1", Capture::kStderr).exit_code, 2);
}

TEST(CliPareto, BadListsAreRefusedBeforeAnyTiming) {
  const auto bad_method = run_cli("pareto --model fmnist-flowar --methods \"none;fastvar\"", Capture::kStderr);
  EXPECT_EQ(bad_method.exit_code, 2);
  EXPECT_TRUE(contains(bad_method.output, "FlowAR has no port of it yet")) << bad_method.output;
  const auto bad_variant = run_cli("pareto --model fmnist-var --attentions \"exact;warp\"", Capture::kStderr);
  EXPECT_EQ(bad_variant.exit_code, 2);
  EXPECT_TRUE(contains(bad_variant.output, "attention variant 'warp'")) << bad_variant.output;
  const auto accel_flag = run_cli("pareto --model fmnist-var --accel skip", Capture::kStderr);
  EXPECT_EQ(accel_flag.exit_code, 2);
  EXPECT_TRUE(contains(accel_flag.output, "list methods in --methods")) << accel_flag.output;
  EXPECT_EQ(run_cli("pareto --model fmnist-var --methods \";\"", Capture::kStderr).exit_code, 2);
  const auto both = run_cli("pareto --model fmnist-var --random-weights", Capture::kStderr);
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_TRUE(contains(both.output, "exclude each other")) << both.output;
}

}  // namespace
